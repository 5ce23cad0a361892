// Event types of Verity's topics, generated from schemas/ (see generated.ts).
export * from './generated.js';
