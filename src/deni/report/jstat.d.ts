// Just the part of jstat 1.9 (which ships no types) that the report module uses.
declare module 'jstat' {
  interface IJStatDistribution {
    cdf(x: number, ...params: number[]): number;
    /** Quantile function (inverse cdf). */
    inv(p: number, ...params: number[]): number;
  }
  interface IJStat {
    mean(values: number[]): number;
    median(values: number[]): number;
    /** flag = true: sample (n - 1) standard deviation. */
    stdev(values: number[], flag?: boolean): number;
    variance(values: number[], flag?: boolean): number;
    min(values: number[]): number;
    max(values: number[]): number;
    /** Regularised incomplete beta function I_x(a, b). */
    ibeta(x: number, a: number, b: number): number;
    centralF: IJStatDistribution;
    studentt: IJStatDistribution;
  }
  const jStat: IJStat;
  export default jStat;
}
