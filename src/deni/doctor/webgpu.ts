import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { runProbe } from './child-probe';
import type { IBackendCheck } from './types';

/** Vulkan driver manifests (ICD files) the loader reads: $VK_ICD_FILENAMES, else the standard folders. */
export function vulkanIcdFiles(): string[] {
  const env = process.env.VK_ICD_FILENAMES ?? process.env.VK_DRIVER_FILES;
  if (env) {
    return env.split(':').filter(f => existsSync(f));
  }
  const dirs = [
    '/usr/share/vulkan/icd.d',
    '/etc/vulkan/icd.d',
    '/usr/local/share/vulkan/icd.d'
  ];
  return dirs.flatMap(d =>
    existsSync(d)
      ? readdirSync(d)
          .filter(f => f.endsWith('.json'))
          .map(f => path.join(d, f))
      : []
  );
}

const WEBGPU_SCRIPT = `
let mod;
try { mod = req('webgpu'); } catch (e) { out({ loaded: false, error: String(e && e.message || e).split('\\n')[0] }); process.exit(0); }
(async () => {
  Object.assign(globalThis, mod.globals);
  const gpu = mod.create([]);
  const adapter = await gpu.requestAdapter();
  if (!adapter) { out({ loaded: true, adapter: null }); process.exit(0); }
  const i = adapter.info || {};
  out({ loaded: true, adapter: { vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description }, fallback: !!adapter.isFallbackAdapter });
  process.exit(0);
})().catch(e => { out({ loaded: true, error: String(e && e.message || e) }); process.exit(0); });
`;

/** WebGPU through Dawn (npm `webgpu`): whether it loads, the Vulkan drivers found and the adapter. */
export function checkWebgpu(root: string): IBackendCheck {
  const icds = vulkanIcdFiles();
  const details = [
    icds.length
      ? `Vulkan drivers (ICD files): ${icds.map(f => path.basename(f)).join(', ')}`
      : 'Vulkan drivers: no ICD files found'
  ];
  const fixes: string[] = [];
  const answer = runProbe(WEBGPU_SCRIPT, root, 30_000);
  let usable = false;
  if (!answer.ok) {
    details.push(`probing Dawn failed: ${answer.why}`);
  } else if (!answer.value.loaded) {
    details.push(`Dawn not loaded: ${String(answer.value.error)}`);
    fixes.push(
      'npm install webgpu@0.6.2 (Dawn for Node; an optional dependency)'
    );
  } else if (answer.value.error) {
    details.push(
      `Dawn loaded; asking for an adapter failed: ${String(answer.value.error)}`
    );
  } else if (!answer.value.adapter) {
    details.push(
      'Dawn loaded; no GPU adapter (Dawn needs a Vulkan driver it accepts)'
    );
  } else {
    const a = answer.value.adapter as Record<string, string | undefined>;
    const name = [a.vendor, a.architecture, a.device, a.description]
      .filter(Boolean)
      .join(' ');
    usable = true;
    details.push(
      `Dawn loaded; adapter: ${name || 'unnamed'}${answer.value.fallback ? ' (software fallback: no faster than wasm)' : ''}`
    );
  }
  if (!usable && answer.ok && answer.value.loaded) {
    fixes.push(
      icds.length
        ? 'update the GPU driver: Mesa 25+ (apt-get install mesa-vulkan-drivers from a recent release) or the NVIDIA driver with its Vulkan ICD (nvidia_icd.json)'
        : 'install a Vulkan driver: apt-get install mesa-vulkan-drivers (AMD/Intel) or the NVIDIA driver (ships nvidia_icd.json)'
    );
  }
  return { name: 'webgpu', usable, details, fixes };
}
