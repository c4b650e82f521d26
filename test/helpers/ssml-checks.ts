/** Why the SSML is not what Alexa accepts from this skill, or undefined when it is fine. */
export function findSsmlProblem(ssml: string): string | undefined {
  if (!ssml.startsWith("<speak>") || !ssml.endsWith("</speak>")) {
    return "not wrapped in <speak>";
  }
  const stack: string[] = [];
  for (const match of ssml.matchAll(/<[^>]*>/g)) {
    const tag = match[0];
    const open = /^<(speak|p)>$/.exec(tag);
    const close = /^<\/(speak|p)>$/.exec(tag);
    if (open?.[1] !== undefined) {
      stack.push(open[1]);
    } else if (close?.[1] !== undefined) {
      if (stack.pop() !== close[1]) {
        return `unbalanced ${tag}`;
      }
    } else {
      return `unexpected tag ${tag}`;
    }
  }
  if (stack.length > 0) {
    return "unclosed element";
  }
  const text = ssml.replace(/<\/?(?:speak|p)>/g, "");
  if (/[<>"']/.test(text)) {
    return "unescaped markup character in text";
  }
  if (/&(?!(?:amp|lt|gt|quot|apos);)/.test(text)) {
    return "bare ampersand";
  }
  return undefined;
}

/** The text Alexa reads, with entities decoded. */
export function spokenText(ssml: string): string {
  return ssml
    .replace(/<\/p><p>/g, " ")
    .replace(/<\/?(?:speak|p)>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}
