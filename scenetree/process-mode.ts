/**
 * Godot: Node::ProcessMode: whether a node processes while the tree is paused. A module of its own so
 * that node-data (the default mode) and node-process (the rules) both import it without a loop.
 */
export const ProcessMode = { INHERIT: 0, PAUSABLE: 1, WHEN_PAUSED: 2, ALWAYS: 3, DISABLED: 4 } as const;
export type ProcessMode = (typeof ProcessMode)[keyof typeof ProcessMode];
