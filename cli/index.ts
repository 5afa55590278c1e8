/**
 * The command-line helpers of `scenenet`: one option parser and help writer for every command
 * (`defineCommand`, `runCommand`) and the program around the command table (`runProgram`).
 * @packageDocumentation
 */
export * from './command.js';
export * from './program.js';
