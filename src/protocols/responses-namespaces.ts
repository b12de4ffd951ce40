// Responses `namespace` tools: a named group of function tools (Codex sends its sub-agent tools
// as one). They run on the client like any function tool, so Lumen carries them, but no chat
// provider knows namespaces: each inner function travels as one flat function tool named
// `<namespace>__<name>` (only letters, digits, `_` and `-` are valid tool names at OpenAI and
// Anthropic), and a call to a flat name is split back into `namespace` and `name` by looking it up
// in the request's own tools, never by parsing the name, so a namespace containing `__` is safe.
import type { FunctionTool, NamespaceTool } from 'openai/resources/responses/responses';

export const NAMESPACE_SEPARATOR = '__';

/** The tools a Responses request may carry through a chat provider, as the response echoes them. */
export type ClientSideTool = FunctionTool | NamespaceTool;

export function flatToolName(namespace: string, name: string): string {
  return `${namespace}${NAMESPACE_SEPARATOR}${name}`;
}

/** The namespace and inner name of a flat tool name, when the request's tools define it. */
export function splitToolName(flatName: string, tools: readonly ClientSideTool[]): { name: string; namespace?: string } {
  for (const tool of tools) {
    if (tool.type !== 'namespace') continue;
    for (const inner of tool.tools) {
      if (flatToolName(tool.name, inner.name) === flatName) return { namespace: tool.name, name: inner.name };
    }
  }
  return { name: flatName };
}
