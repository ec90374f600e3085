/**
 * Prose-like text of a given size from varied words, seeded so every run makes the same text.
 * Repeated text compresses a hundredfold and hides size limits (gzip, DynamoDB items); sentences
 * drawn from a few hundred words with a pseudo-random generator compress like real copy (~3:1).
 */

const WORDS = `the a of to and in that for on with as at by from said was were has have had will would could
government minister council officials police court judge election voters parliament party leader president
market shares prices inflation bank rates growth economy companies workers union strike talks agreement
city town village region province border coast river harbour bridge road railway airport station port
storm flood rain drought heat fire wind snow season harvest farmers crops cattle water supply energy power
school teachers pupils students university research scientists study report data survey results figures
hospital doctors nurses patients health care treatment vaccine virus outbreak cases deaths recovery
team match season coach players goal league final cup victory defeat injury transfer stadium fans crowd
museum gallery exhibition artist painting music concert festival film director actor theatre audience
announced confirmed denied warned urged rejected approved proposed expected reported described insisted
yesterday today tomorrow morning evening night week month year decade century earlier later recently
new old local national international public private federal regional urban rural coastal northern southern
major minor key senior junior former current future early late high low large small strong weak long short
because although while after before during since until unless whether however meanwhile moreover instead
plan budget tax spending cuts reform law bill policy decision investigation inquiry review statement
people families residents children parents citizens visitors tourists migrants refugees volunteers staff
building housing homes rents prices owners tenants developers construction planning permission land
Kestrel Marlow Ashby Ferrand Oyelaran Nakamura Petrova Lindqvist Okafor Castellano Brennan Haddad Sorensen
Northgate Westbrook Eastholm Southmere Riverside Highfield Lowmoor Greenhaven Stonebridge Fairhaven`
  .split(/\s+/)
  .filter(Boolean);

/** mulberry32: a small, well-known 32-bit generator; the same seed gives the same sequence. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A sentence of 8-24 words, capitalised, ending with a full stop. */
function sentence(random: () => number): string {
  const length = 8 + Math.floor(random() * 17);
  const words: string[] = [];
  for (let index = 0; index < length; index++) {
    words.push(WORDS[Math.floor(random() * WORDS.length)] as string);
    if (index > 2 && index < length - 2 && random() < 0.08) words[words.length - 1] += ',';
  }
  const text = words.join(' ');
  return `${text[0]?.toUpperCase()}${text.slice(1)}.`;
}

/** Paragraphs of 2-6 sentences separated by blank lines, `bytes` long in UTF-8 (ASCII only, so chars = bytes). */
export function proseOfSize(bytes: number, seed = 1): string {
  const random = generator(seed);
  const paragraphs: string[] = [];
  let size = 0;
  while (size < bytes) {
    const count = 2 + Math.floor(random() * 5);
    const paragraph = Array.from({ length: count }, () => sentence(random)).join(' ');
    paragraphs.push(paragraph);
    size += paragraph.length + 2;
  }
  return paragraphs.join('\n\n').slice(0, bytes);
}

/** A plain-text wire story (headline, blank line, body) of exactly `bytes` bytes. */
export function wireStoryOfSize(
  bytes: number,
  seed = 1,
  headline = 'Council approves harbour plan after long debate',
): string {
  const head = `${headline}\n\n`;
  const body = proseOfSize(bytes - head.length, seed).trimEnd();
  return `${head}${body}${'.'.repeat(bytes - head.length - body.length)}`;
}
