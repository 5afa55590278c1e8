/** The plugin's one TextEncoder (text messages, close reasons), shared so a browser bundle carries one. */
export const encoder = new TextEncoder();
