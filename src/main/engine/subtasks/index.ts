export * from './types';
export * from './prompts';
export * from './builders';
export * from './tool-json';
export * from './verify';
export * from './execution';
