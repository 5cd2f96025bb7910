/** A run's record of a Hub input (repository, commit, file sha256s); defined in the contract. */
export type { IInputPin as IHubPin } from '../contract/types';
