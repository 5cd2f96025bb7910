/** One back-end as the doctor sees it: usable here or not, why, and the commands that fix it. */
export interface IBackendCheck {
  name: 'wasm' | 'webgpu' | 'tensorflow' | 'cpu';
  usable: boolean;
  /** Facts found (versions, files, devices) and, when not usable, the missing piece. */
  details: string[];
  /** Commands or steps that fix what is missing. */
  fixes: string[];
}

/** A cache folder and how much it holds. */
export interface ICacheFolder {
  what: string;
  path: string;
  exists: boolean;
  bytes: number;
}

/** Everything `deni doctor` reports. */
export interface IDoctorReport {
  system: string;
  backends: IBackendCheck[];
  hub: {
    endpoint: string;
    /** Where a token would come from; never its value. */
    token: string;
    offline: boolean;
    proxy?: string;
  };
  caches: ICacheFolder[];
}
