/**
 * Builds shared/enrich/mediatopics.json, the compact Media Topics table the pipeline ships, from
 * IPTC's full JSON-LD export (../shared/iptc/mediatopics-cptall.json by default).
 *
 * Why a derivative: the export is 2 MB with eleven languages and history; the Lambda bundle needs
 * only live concepts, their parent and their labels. Run with `npx tsx scripts/build-mediatopics.ts [SOURCE]`,
 * then `npx tsx scripts/pack-enrich-data.ts` (the bundle ships the tables brotli-packed; a test checks they match).
 * The output keeps IPTC's attribution (CC BY 4.0) and says that it was changed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface SourceConcept {
  qcode: string;
  exactMatch?: string[];
  prefLabel: Record<string, string>;
  broader?: string[];
  retired?: string;
}

const PREFIX = 'http://cv.iptc.org/newscodes/mediatopic/';
const SUBJECT_CODE_PREFIX = 'http://cv.iptc.org/newscodes/subjectcode/';
const LANGUAGES = ['en-GB', 'de', 'fr', 'es'] as const;

const sourcePath =
  process.argv[2] ?? fileURLToPath(new URL('../../shared/iptc/mediatopics-cptall.json', import.meta.url));
const outputPath = fileURLToPath(new URL('../shared/enrich/mediatopics.json', import.meta.url));

const scheme = JSON.parse(readFileSync(sourcePath, 'utf8')) as {
  copyrightHolder: string;
  licenceLink: string;
  dateReleased: string;
  conceptSet: SourceConcept[];
};

const live = scheme.conceptSet.filter((concept) => !concept.retired);
const concepts = live.map((concept) => {
  const parent = concept.broader?.[0];
  const labels: Record<string, string> = {};
  for (const language of LANGUAGES) {
    const label = concept.prefLabel[language]?.trim();
    if (label) labels[language === 'en-GB' ? 'en' : language] = label;
  }
  // The IPTC Subject Code this topic replaced (NITF and older NewsML still send those).
  const subjectCode = concept.exactMatch
    ?.find((uri) => uri.startsWith(SUBJECT_CODE_PREFIX))
    ?.slice(SUBJECT_CODE_PREFIX.length);
  return {
    code: concept.qcode,
    parent: parent ? `medtop:${parent.slice(PREFIX.length)}` : null,
    labels,
    ...(subjectCode ? { subjectCode: `subj:${subjectCode}` } : {}),
  };
});

const output = {
  attribution: `IPTC Media Topics, ${scheme.copyrightHolder}. Licence ${scheme.licenceLink}. Released ${scheme.dateReleased}. Changed: retired concepts removed; only labels in ${LANGUAGES.join(', ')}, the first broader concept and the exact Subject Code match kept.`,
  concepts,
};
writeFileSync(outputPath, `${JSON.stringify(output)}\n`);
console.log(`wrote ${concepts.length} concepts to shared/enrich/mediatopics.json`);
