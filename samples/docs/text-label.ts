/**
 * The two scenes' `%TextServer` / `%TextClient` RichTextLabels, headless: a `text` property, and the
 * BBCode the demo writes (`[color=#aaaaaa] … |[/color]`) stripped for a terminal.
 */
export class TextLabel {
  text = '';

  /** The text without BBCode tags. */
  plain(): string {
    return this.text.replace(/\[\/?color[^\]]*\]/g, '');
  }
}

/** Godot: Time.get_time_string_from_system(): `HH:MM:SS` local time. */
export function getTimeStringFromSystem(): string {
  const now = new Date();
  return [now.getHours(), now.getMinutes(), now.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/** Godot: PackedByteArray.get_string_from_ascii(): one character per byte, up to the first NUL. */
export function getStringFromAscii(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) {
    if (b === 0) break;
    s += String.fromCharCode(b);
  }
  return s;
}
