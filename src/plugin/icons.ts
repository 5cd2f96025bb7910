/** The DENI icon: runs spreading around a mean (a box plot), themed with JupyterLab's icon colours. */
import { LabIcon } from '@jupyterlab/ui-components';

const SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
<g class="jp-icon3" fill="#616161">
<rect x="3" y="9" width="5" height="8" rx="1"/><rect x="5" y="4" width="1" height="16"/>
<rect x="10" y="6" width="5" height="6" rx="1"/><rect x="12" y="3" width="1" height="12"/>
<rect x="17" y="10" width="5" height="4" rx="1"/><rect x="19" y="8" width="1" height="8"/>
</g></svg>`;

/** Icon of the seed-sweep widget, its toolbar button and launcher items. */
export const deniIcon = new LabIcon({
  name: 'jupyterlab-deni:sweep',
  svgstr: SVG
});
