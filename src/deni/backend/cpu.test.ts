import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CPUINFO_FILE, cpuModel } from './cpu';
import { initBackend, runtimeVersions } from './init';

/*
 * /proc/cpuinfo of two 2-core cloud machines that both call their CPU `AMD EPYC` (fields after
 * `flags` left out). Zen 3 is the development machine's own; Zen 4 has AVX-512.
 */
const ZEN3_FLAGS =
  'fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht syscall nx mmxext fxsr_opt pdpe1gb rdtscp lm constant_tsc rep_good nopl xtopology nonstop_tsc cpuid extd_apicid tsc_known_freq pni pclmulqdq ssse3 fma cx16 pcid sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand hypervisor lahf_lm cmp_legacy cr8_legacy abm sse4a misalignsse 3dnowprefetch osvw topoext cpuid_fault vmmcall fsgsbase tsc_adjust bmi1 avx2 smep bmi2 erms invpcid rdseed adx smap clflushopt clwb sha_ni xsaveopt xsavec xgetbv1 xsaves clzero xsaveerptr arat umip vaes vpclmulqdq rdpid fsrm';
const ZEN4_FLAGS =
  'fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht syscall nx mmxext fxsr_opt pdpe1gb rdtscp lm constant_tsc rep_good nopl xtopology nonstop_tsc cpuid extd_apicid tsc_known_freq pni pclmulqdq ssse3 fma cx16 pcid sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand hypervisor lahf_lm cmp_legacy cr8_legacy abm sse4a misalignsse 3dnowprefetch osvw topoext perfctr_core invpcid_single ssbd ibrs ibpb stibp vmmcall fsgsbase tsc_adjust bmi1 avx2 smep bmi2 erms invpcid avx512f avx512dq rdseed adx smap avx512ifma clflushopt clwb avx512cd sha_ni avx512bw avx512vl xsaveopt xsavec xgetbv1 xsaves avx512_bf16 clzero xsaveerptr wbnoinvd arat avx512vbmi umip pku ospke avx512_vbmi2 gfni vaes vpclmulqdq avx512_vnni avx512_bitalg avx512_vpopcntdq rdpid fsrm';

function epyc(model: number, microcode: string, flags: string): string {
  return [0, 1]
    .map(
      p => `processor\t: ${p}
vendor_id\t: AuthenticAMD
cpu family\t: 25
model\t\t: ${model}
model name\t: AMD EPYC
stepping\t: 1
microcode\t: ${microcode}
cpu MHz\t\t: 2445.424
cache size\t: 512 KB
physical id\t: 0
siblings\t: 2
core id\t\t: ${p}
cpu cores\t: 2
flags\t\t: ${flags}
bogomips\t: 4890.84
`
    )
    .join('\n');
}

const ZEN3 = epyc(1, '0x1000065', ZEN3_FLAGS);
const ZEN4 = epyc(17, '0xa101148', ZEN4_FLAGS);

// An arm64 cloud machine (Neoverse N1): no model name, cpu family or model.
const ARM = [0, 1]
  .map(
    p => `processor\t: ${p}
BogoMIPS\t: 50.00
Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp ssbs
CPU implementer\t: 0x41
CPU architecture: 8
CPU variant\t: 0x3
CPU part\t: 0xd0c
CPU revision\t: 1
`
  )
  .join('\n');

describe('cpuModel', () => {
  it('tells two EPYC generations with the same model name apart by family and model', () => {
    expect(ZEN4).toContain('avx512f');
    expect(ZEN3).not.toContain('avx512f');
    expect(cpuModel(ZEN3)).toBe('AMD EPYC (family 25 model 1)');
    expect(cpuModel(ZEN4)).toBe('AMD EPYC (family 25 model 17)');
  });

  it('reads the first processor only, whatever the later ones say', () => {
    const mixed = `${ZEN3}\n${ZEN4.replace(/processor\t: (\d)/g, (_, p) => `processor\t: ${Number(p) + 2}`)}`;
    expect(cpuModel(mixed)).toBe('AMD EPYC (family 25 model 1)');
  });

  it("falls back to os.cpus()'s model, trimmed, without family and model (ARM, macOS)", () => {
    expect(cpuModel(ARM, [{ model: ' Neoverse-N1 ' }])).toBe('Neoverse-N1');
    // No /proc/cpuinfo (macOS): an empty text.
    expect(cpuModel('', [{ model: 'Apple M2  Pro\n' }])).toBe('Apple M2 Pro');
    expect(cpuModel(ARM, [])).toBe('unknown CPU');
    expect(cpuModel('', [{ model: '  ' }])).toBe('unknown CPU');
  });

  it('names this machine from /proc/cpuinfo where there is one, the same on every call', () => {
    const own = cpuModel();
    expect(own).not.toBe('');
    if (existsSync(CPUINFO_FILE)) {
      expect(own).toBe(cpuModel(readFileSync(CPUINFO_FILE, 'utf8')));
    }
    expect(cpuModel()).toBe(own);
  });

  it("is recorded in a run's versions", async () => {
    await initBackend('cpu');
    expect(runtimeVersions()).toEqual({
      backend: 'cpu',
      threads: '1',
      cpu: cpuModel()
    });
  });
});
