// Directives a test prompt can embed to steer the simulated model, so that agents such as Claude
// Code or Codex can be driven through a sensible turn instead of the schema-generated default:
//   [[sim:tool NAME {"json":"arguments"}]]  -> call the tool NAME with exactly these arguments
//   [[sim:say TEXT]]                          -> answer with exactly TEXT
// Directives are read from the text of the last message only, like the reply seed. Pure.

export interface ToolDirective {
  toolName: string;
  argumentsJson: string;
}

const TOOL_OPENING = /\[\[sim:tool\s+([^\s\]]+)\s+/g;
const SAY = /\[\[sim:say (.*?)\]\]/s;

// The arguments may themselves contain "]]", so try each closing "]]" in turn and keep the first
// prefix that parses as a JSON object; the arguments are re-serialized so the wire carries
// compact JSON whatever spacing the prompt used.
function toolDirectiveAt(text: string, toolName: string, argumentsStart: number): ToolDirective | undefined {
  let closing = text.indexOf(']]', argumentsStart);
  while (closing >= 0) {
    try {
      const value: unknown = JSON.parse(text.slice(argumentsStart, closing));
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        return { toolName, argumentsJson: JSON.stringify(value) };
      }
    } catch {
      // Not the end of the arguments yet: try the next "]]".
    }
    closing = text.indexOf(']]', closing + 1);
  }
  return undefined;
}

export function toolDirectiveOf(text: string): ToolDirective | undefined {
  for (const match of text.matchAll(TOOL_OPENING)) {
    const toolName = match[1];
    if (toolName === undefined) continue;
    const directive = toolDirectiveAt(text, toolName, match.index + match[0].length);
    if (directive !== undefined) return directive;
  }
  return undefined;
}

export function sayDirectiveOf(text: string): string | undefined {
  return SAY.exec(text)?.[1];
}
