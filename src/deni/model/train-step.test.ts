import { defineTrainStepTests } from './testing/train-step-cases';

// One full fine-tuning step (every tensor trains) of ours vs PyTorch from identical weights on
// wasm: the updated weights must agree within 1e-4 (testing/train-step-cases.ts).
defineTrainStepTests('wasm');
