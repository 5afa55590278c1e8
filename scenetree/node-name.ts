/**
 * Godot's node-name rules: which characters a name may hold, and how a parent makes a child's name
 * unique among its siblings (scene/main/node.cpp, core/string/ustring.cpp).
 */

/** Godot: String::get_invalid_node_name_characters(): `. : @ / " %`. */
export const INVALID_NODE_NAME_CHARACTERS: readonly string[] = ['.', ':', '@', '/', '"', '%'];

const INVALID_RE = /[.:@/"%]/g;

/**
 * Replaces every character a node name may not hold with `_`.
 * Godot: String::validate_node_name (core/string/ustring.cpp).
 */
export function validateNodeName(name: string): string {
  return name.replace(INVALID_RE, '_');
}

/**
 * `s + 1` for a string of decimal digits, keeping its width unless it overflows (`"09"` → `"10"`,
 * `"99"` → `"100"`). Godot: increase_numeric_string (scene/main/node.cpp).
 */
export function increaseNumericString(s: string): string {
  const digits = [...s];
  let carry = digits.length > 0;
  for (let i = digits.length - 1; i >= 0 && carry; i--) {
    if (digits[i] === '9') {
      digits[i] = '0';
    } else {
      digits[i] = String.fromCharCode(digits[i]!.charCodeAt(0) + 1);
      carry = false;
    }
  }
  return (carry ? '1' : '') + digits.join('');
}

/**
 * The human-readable unique name: `name` if free, else `name2`, `name3`… or, when `name` already ends
 * in digits, those digits counted up (`Enemy7` → `Enemy8`). An empty name starts from `className`.
 * Godot: Node::_generate_serial_child_name (scene/main/node.cpp), with the project's default
 * name-number separator (none).
 */
export function generateSerialChildName(name: string, className: string, isTaken: (name: string) => boolean): string {
  const wanted = name === '' ? className : name;
  if (!isTaken(wanted)) return wanted;
  const trailing = /\d+$/.exec(wanted);
  const base = trailing ? wanted.slice(0, trailing.index) : wanted;
  let nums = trailing ? trailing[0] : '';
  for (;;) {
    const attempt = base + nums;
    if (!isTaken(attempt)) return attempt;
    if (nums === '') {
      // Godot: "Name was undecorated so skip to 2 for a more natural result" (the separator, Godot's
      // editor/naming/node_name_num_separator, defaults to none, so nothing goes between).
      nums = '2';
    } else {
      nums = increaseNumericString(nums);
    }
  }
}

/**
 * The fast unique name `@ClassName@N` given to a child that has no name or a taken one, when the
 * caller did not ask for a readable name. `@` cannot appear in user names, so these never collide
 * with them. Godot: Node::_validate_child_name (scene/main/node.cpp).
 */
export function makeAutoName(className: string, serial: number): string {
  return `@${className}@${serial}`;
}

/**
 * Godot's wildcard match (String::match): `*` matches any run of characters (including none), `?`
 * matches exactly one; everything else is literal and case-sensitive.
 */
export function matchesPattern(text: string, pattern: string): boolean {
  // Iterative glob with backtracking to the last `*`: linear in practice, no regex injection.
  let t = 0;
  let p = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    const pc = pattern[p];
    if (pc === '?' || (pc !== undefined && pc !== '*' && pc === text[t])) {
      t++;
      p++;
    } else if (pc === '*') {
      starP = p++;
      starT = t;
    } else if (starP !== -1) {
      p = starP + 1;
      t = ++starT;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}
