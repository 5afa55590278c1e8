import { ContainerModule } from 'inversify';
import { systemClock, type Clock } from './clock.js';
import { silentLogger, type Logger } from './logger.js';
import { cryptoRng, type Rng } from './rng.js';
import { TOKENS } from './tokens.js';

const coreModules = new WeakSet<ContainerModule>();

/** True for `coreModule` and for modules made by `coreModuleWith`. */
export function isCoreModule(module: ContainerModule): boolean {
  return coreModules.has(module);
}

/** Values that override the core bindings of `createContainer`. */
export interface CoreOverrides {
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly rng?: Rng;
}

/** A module binding the given core services instead of the defaults. */
export function coreModuleWith(overrides: CoreOverrides): ContainerModule {
  const module = new ContainerModule(({ bind }) => {
    bind<Clock>(TOKENS.Clock).toConstantValue(overrides.clock ?? systemClock);
    bind<Logger>(TOKENS.Logger).toConstantValue(overrides.logger ?? silentLogger);
    bind<Rng>(TOKENS.Rng).toConstantValue(overrides.rng ?? cryptoRng);
  });
  coreModules.add(module);
  return module;
}

/** Binds the default Clock (system), Logger (silent) and Rng (crypto). */
export const coreModule = coreModuleWith({});
