interface Parts {
  readonly names: readonly string[];
  readonly subnames: readonly string[];
  readonly absolute: boolean;
}

/**
 * Godot: NodePath (core/string/node_path.h). An immutable pre-parsed path to a node, and optionally to
 * a property of it: `/root/Game/Player`, `../Sibling`, `Sprite2D:modulate:a`.
 */
export class NodePath {
  static readonly EMPTY = new NodePath('');

  readonly #names: readonly string[];
  readonly #subnames: readonly string[];
  readonly #absolute: boolean;
  #string: string | null = null;

  /** Parses a path string, or copies another path. */
  constructor(path?: string | NodePath);
  // The parts form is internal (used by `fromParts`); only the signature above is public.
  constructor(path: string | NodePath | Parts = '') {
    if (typeof path !== 'string') {
      const parts: Parts = path instanceof NodePath ? { names: path.#names, subnames: path.#subnames, absolute: path.#absolute } : path;
      this.#names = parts.names;
      this.#subnames = parts.subnames;
      this.#absolute = parts.absolute;
      return;
    }
    const colon = path.indexOf(':');
    const namePart = colon === -1 ? path : path.slice(0, colon);
    this.#absolute = namePart.startsWith('/');
    this.#names = namePart.split('/').filter((n) => n.length > 0);
    this.#subnames =
      colon === -1
        ? []
        : path
            .slice(colon + 1)
            .split(':')
            .filter((n) => n.length > 0);
  }

  /**
   * Builds a path from its parts as given, without re-parsing them (Godot: NodePath(names, subnames,
   * absolute)), so names decoded from the wire keep their exact text.
   */
  static fromParts(names: readonly string[], subnames: readonly string[] = [], absolute = false): NodePath {
    const parts: Parts = { names: Object.freeze([...names]), subnames: Object.freeze([...subnames]), absolute };
    return new (NodePath as unknown as new (parts: Parts) => NodePath)(parts);
  }

  /**
   * Accepts a NodePath or a string and returns a NodePath: the one conversion every public API that
   * takes a NodePath applies at its boundary, so strings work wherever GDScript would convert them.
   */
  static from(path: NodePath | string): NodePath {
    return path instanceof NodePath ? path : new NodePath(path);
  }

  isAbsolute(): boolean {
    return this.#absolute;
  }

  isEmpty(): boolean {
    return this.#names.length === 0 && this.#subnames.length === 0 && !this.#absolute;
  }

  getNameCount(): number {
    return this.#names.length;
  }

  getName(index: number): string {
    const name = this.#names[index];
    if (name === undefined) throw new RangeError(`NodePath.getName: index ${index} out of range`);
    return name;
  }

  getSubnameCount(): number {
    return this.#subnames.length;
  }

  getSubname(index: number): string {
    const name = this.#subnames[index];
    if (name === undefined) throw new RangeError(`NodePath.getSubname: index ${index} out of range`);
    return name;
  }

  /** All names, in order. */
  getNames(): readonly string[] {
    return this.#names;
  }

  /** All subnames, in order. */
  getSubnames(): readonly string[] {
    return this.#subnames;
  }

  /** Godot: get_concatenated_names: `/root/Game` for `/root/Game:position`. */
  getConcatenatedNames(): string {
    return (this.#absolute ? '/' : '') + this.#names.join('/');
  }

  /** Godot: get_concatenated_subnames: `position:x` for `Node:position:x`. */
  getConcatenatedSubnames(): string {
    return this.#subnames.join(':');
  }

  /** Godot: get_as_property_path: `:position:x` for `Node:position:x`. */
  getAsPropertyPath(): NodePath {
    return NodePath.fromParts([], [...this.#names, ...this.#subnames], false);
  }

  /**
   * Godot: NodePath::rel_path_to. The relative path from this absolute path to another absolute path
   * (`/root`.relPathTo(`/root/Game/Player`) → `Game/Player`; to itself → `.`).
   */
  relPathTo(path: NodePath | string): NodePath {
    const target = NodePath.from(path);
    if (!this.#absolute || !target.#absolute) throw new RangeError('NodePath.relPathTo: both paths must be absolute');
    const from = this.#names;
    const to = target.#names;
    let common = 0;
    while (common < from.length && common < to.length && from[common] === to[common]) common++;
    const parts = [...Array<string>(from.length - common).fill('..'), ...to.slice(common)];
    return NodePath.fromParts(parts.length ? parts : ['.'], target.#subnames, false);
  }

  /** True when `prefix` names the same node or one of its ancestors (absolute paths, names only). */
  startsWith(path: NodePath | string): boolean {
    const prefix = NodePath.from(path);
    if (prefix.#absolute !== this.#absolute || prefix.#names.length > this.#names.length) return false;
    return prefix.#names.every((n, i) => this.#names[i] === n);
  }

  equals(other: NodePath | string): boolean {
    return this.toString() === NodePath.from(other).toString();
  }

  toString(): string {
    if (this.#string === null) {
      const sub = this.#subnames.length ? ':' + this.#subnames.join(':') : '';
      this.#string = this.getConcatenatedNames() + sub;
    }
    return this.#string;
  }
}
