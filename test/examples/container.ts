import { createContainer, TOKENS, type PeerFactory } from '../../core/index.js';
import { type SceneTree, scenetreeModule } from '../../scenetree/index.js';
import { loopbackModule } from '../../plugins/loopback/index.js';

const container = createContainer(scenetreeModule, loopbackModule);
const tree = container.get<SceneTree>(TOKENS.SceneTree);
const factory = container.getAll<PeerFactory>(TOKENS.PeerFactory).find((f) => f.name === 'loopback')!;
console.log(`a ${tree.constructor.name} and the "${factory.name}" peer factory`);
await container.unbindAll(); // closes every peer the container made
