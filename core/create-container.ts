import 'reflect-metadata';
import { Container, type ContainerModule } from 'inversify';
import { coreModule, isCoreModule } from './core-module.js';

/**
 * Builds a composition root: an inversify 8 Container with the core services and every module,
 * loaded in order. `coreModule` is loaded first unless a module made by `coreModuleWith` (or
 * `coreModule` itself) is passed. `container.unbindAll()` deactivates socket-owning bindings,
 * which closes their sockets.
 */
export function createContainer(...modules: ContainerModule[]): Container {
  const container = new Container();
  if (!modules.some(isCoreModule)) container.load(coreModule);
  container.load(...modules);
  return container;
}
