// Side effects only: registers tfjs-core's gradient configs in tfjs's global registry.
export {};
