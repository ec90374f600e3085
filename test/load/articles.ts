/**
 * Generated articles for the load test: every one different (its own number in the headline and the
 * text, its own identifiers), spread over six formats, four desks, three languages, three sources
 * and four urgencies, deterministically (article n is always the same bytes).
 */

export interface GeneratedArticle {
  readonly key: string;
  readonly body: string;
  readonly contentType?: string;
}

const DESKS = {
  politics: {
    code: 'medtop:11000000',
    en: 'Parliament debates the election law as the government defends its budget plans before the vote',
    de: 'Das Parlament debattiert das Wahlgesetz, während die Regierung ihre Haushaltspläne vor der Abstimmung verteidigt',
    fr: 'Le parlement débat de la loi électorale tandis que le gouvernement défend son budget avant le vote',
  },
  sport: {
    code: 'medtop:15000000',
    en: 'The home side won the continental championship final on penalties in front of a record crowd of football fans',
    de: 'Die Heimmannschaft gewann das Finale der Meisterschaft im Elfmeterschießen vor einer Rekordkulisse',
    fr: "L'équipe locale a remporté la finale du championnat aux tirs au but devant une foule record",
  },
  economy: {
    code: 'medtop:04000000',
    en: 'The central bank raised interest rates again as inflation stayed above its target for the tenth month',
    de: 'Die Zentralbank hat die Zinsen erneut erhöht, weil die Inflation den zehnten Monat über dem Ziel lag',
    fr: "La banque centrale a de nouveau relevé ses taux car l'inflation reste au-dessus de l'objectif",
  },
  culture: {
    code: 'medtop:01000000',
    en: 'The national museum opened an exhibition of contemporary painting that critics called the best of the year',
    de: 'Das Nationalmuseum eröffnete eine Ausstellung zeitgenössischer Malerei, die Kritiker als die beste des Jahres lobten',
    fr: 'Le musée national a ouvert une exposition de peinture contemporaine saluée par la critique',
  },
} as const;

type Desk = keyof typeof DESKS;
const DESK_NAMES = Object.keys(DESKS) as Desk[];
const LANGUAGES = ['en', 'en', 'de', 'fr'] as const;
export const SOURCES = ['agency-a', 'agency-b', 'agency-c'] as const;

function sentences(desk: Desk, language: (typeof LANGUAGES)[number], n: number): string[] {
  const lead = DESKS[desk][language];
  return [
    `${lead} (story ${n}).`,
    `${lead}, officials said on the ${(n % 28) + 1}th, adding that further details of item ${n} would follow.`,
    `${lead}; reporters counted ${n * 7} people at the scene of report ${n}.`,
  ];
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** Article `n` of a run: format, desk, language, source and urgency all vary with n. */
export function generatedArticle(n: number): GeneratedArticle {
  const desk = DESK_NAMES[n % DESK_NAMES.length] as Desk;
  const language = LANGUAGES[Math.floor(n / 4) % LANGUAGES.length] as (typeof LANGUAGES)[number];
  const source = SOURCES[Math.floor(n / 16) % SOURCES.length] as string;
  const urgency = (n % 9) + 1;
  const headline = `${DESKS[desk][language].split(' ').slice(0, 6).join(' ')} ${n}`;
  const paragraphs = sentences(desk, language, n);
  const code = DESKS[desk].code;
  const id = `load-${n}`;
  switch (n % 6) {
    case 0:
      return { key: `${source}/text/${id}.txt`, body: `${headline}\n\n${paragraphs.join('\n\n')}\n` };
    case 1:
      return {
        key: `${source}/ninjs/${id}.json`,
        body: JSON.stringify({
          uri: `urn:load:${id}`,
          headlines: [{ role: 'main', value: headline }],
          bodies: [{ role: 'main', contentType: 'text/plain', value: paragraphs.join('\n\n') }],
          language,
          urgency,
          subjects: [{ uri: `http://cv.iptc.org/newscodes/mediatopic/${code.slice(7)}` }],
        }),
      };
    case 2:
      return {
        key: `${source}/blog/${id}.md`,
        body: `---\ntitle: ${JSON.stringify(headline)}\nlang: ${language}\ntags: [${code}]\nurgency: ${urgency}\n---\n\n${paragraphs.join('\n\n')}\n`,
      };
    case 3:
      return {
        key: `${source}/web/${id}.html`,
        contentType: 'text/html; charset=utf-8',
        body: `<!doctype html><html lang="${language}"><head><meta charset="utf-8"><title>${escapeXml(headline)}</title><meta property="article:tag" content="${desk}"></head><body><article><h1>${escapeXml(headline)}</h1>${paragraphs
          .map((paragraph) => `<p>${escapeXml(paragraph)} ${escapeXml(paragraph)}</p>`)
          .join('')}</article></body></html>`,
      };
    case 4:
      return {
        key: `${source}/nitf/${id}.xml`,
        body: `<?xml version="1.0" encoding="UTF-8"?><nitf><head><title>${escapeXml(headline)}</title><tobject><tobject.subject tobject.subject.refnum="${code.slice(7)}"/></tobject><docdata><urgency ed-urg="${urgency}"/></docdata></head><body><body.head><hedline><hl1>${escapeXml(headline)}</hl1></hedline></body.head><body.content>${paragraphs
          .map((paragraph) => `<p>${escapeXml(paragraph)}</p>`)
          .join('')}</body.content></body></nitf>`,
      };
    default:
      return {
        key: `${source}/g2/${id}.xml`,
        body: `<?xml version="1.0" encoding="UTF-8"?><newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:newsml:load:${id}" version="1" standard="NewsML-G2" standardversion="2.29"><itemMeta><itemClass qcode="ninat:text"/><versionCreated>2026-01-01T10:00:00Z</versionCreated><pubStatus qcode="stat:usable"/></itemMeta><contentMeta><urgency>${urgency}</urgency><subject qcode="${code}"/><headline>${escapeXml(headline)}</headline><language tag="${language}"/></contentMeta><contentSet><inlineXML contenttype="application/xhtml+xml"><html xmlns="http://www.w3.org/1999/xhtml"><body>${paragraphs
          .map((paragraph) => `<p>${escapeXml(paragraph)}</p>`)
          .join('')}</body></html></inlineXML></contentSet></newsItem>`,
      };
  }
}
