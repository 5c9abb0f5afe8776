/**
 * relu-ae-lab: build, train and diagnose fully connected autoencoders on MNIST, run seeded
 * experiments with a result cache, compare configurations with paired statistics, and plot.
 */
export * from './spec';
export * from './validate';
export * from './random';
export * from './data';
export * from './model';
export * from './backend';
export * from './train';
export * from './run';
export * from './recipes';
export * from './evaluate';
export * from './stats';
export * from './environment';
export * from './engine/index';
export * from './experiment/cache';
export * from './experiment/profiles';
export * from './experiment/runner';
export * from './display';
export * from './image';
export * from './plots';
export * from './claims';
export * from './notebook';
export * from './designs';
