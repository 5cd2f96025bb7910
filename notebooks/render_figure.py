"""Renders one figure of a stored sweep's report to PNG with Debian chromium (for EXPERIMENTS.md).

Usage: .venv/bin/python notebooks/render_figure.py REPORT.json FIGURE_ID OUT.png
where REPORT.json comes from `node dist/cli.mjs report SWEEP --format json --store
notebooks/.deni/results.sqlite` and FIGURE_ID is one of the report's figure ids (f1-violin, f1-box,
mean-std, cost-std, per-dataset). The plotly spec is drawn by plotly.js-dist-min from node_modules
in a headless chromium and screenshotted; nothing is fetched from the network.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLOTLY = ROOT / "node_modules" / "plotly.js-dist-min" / "plotly.min.js"


def main(report_path: str, figure_id: str, out: str, width: int = 900, height: int = 520) -> None:
    report = json.loads(Path(report_path).read_text())
    # A single figure spec (experiments/*/*.plotly.json) or a whole report.
    figures = {report["id"]: report} if "figures" not in report else {f["id"]: f for f in report["figures"]}
    if figure_id not in figures:
        raise SystemExit(f"no figure {figure_id!r} in {report_path}; figures: {', '.join(figures)}")
    fig = figures[figure_id]
    layout = dict(fig["layout"], width=width, height=height)
    html = (
        '<html><body style="margin:0;background:white"><div id="g"></div>'
        f"<script>{PLOTLY.read_text()}</script>"
        f"<script>Plotly.newPlot('g', {json.dumps(fig['data'])}, {json.dumps(layout)}, {{staticPlot: true}});</script>"
        "</body></html>"
    )
    with tempfile.NamedTemporaryFile("w", suffix=".html", delete=False) as f:
        f.write(html)
    try:
        subprocess.run(
            [
                "chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                f"--screenshot={os.path.abspath(out)}",
                f"--window-size={width},{height}",
                "--virtual-time-budget=5000",
                "file://" + f.name,
            ],
            check=True,
            capture_output=True,
        )
    finally:
        os.unlink(f.name)
    print(f"wrote {out}")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    main(*sys.argv[1:])
