import { ContainerModule } from 'inversify';
import { TOKENS, type Clock, type Logger, type MultiplayerAPIFactory } from '../core/index.js';
import { SceneMultiplayer } from './multiplayer/scene-multiplayer.js';
import { SceneTree } from './scene-tree.js';

/**
 * Registers SceneMultiplayer as the default MultiplayerAPI factory and a singleton SceneTree that
 * uses it. Godot: modules/multiplayer/register_types.cpp (`set_default_interface("SceneMultiplayer")`).
 * Load after coreModule.
 */
export const scenetreeModule = new ContainerModule(({ bind }) => {
  bind<MultiplayerAPIFactory>(TOKENS.MultiplayerAPIFactory)
    .toResolvedValue(
      (clock: Clock, logger: Logger): MultiplayerAPIFactory => ({ create: () => new SceneMultiplayer({ clock, logger }) }),
      [TOKENS.Clock, TOKENS.Logger],
    )
    .inSingletonScope();
  bind<SceneTree>(TOKENS.SceneTree)
    .toResolvedValue(
      (clock: Clock, logger: Logger, apis: MultiplayerAPIFactory) => new SceneTree({ clock, logger, multiplayer: apis.create() }),
      [TOKENS.Clock, TOKENS.Logger, TOKENS.MultiplayerAPIFactory],
    )
    .inSingletonScope()
    .onDeactivation((tree) => tree.quit());
});
