/** A run's record of a Hub input (repository, commit, file sha256s); defined with the sweep's types. */
export type { IInputPin as IHubPin } from '../sweep/types';
