import { describe, expect, it } from 'vitest';
import { DEFAULT_BRAND_COLOR, escapeHtml, oneLine, renderEmail, safeLinkUrl, type EmailLayout } from './render';

const vars = { customerName: 'Ada', cardName: 'Coffee Club', stampsLeft: 3, voucherCode: 'FREE-42' };

describe('renderEmail', () => {
  it('fills every known placeholder in subject and body', () => {
    const out = renderEmail(
      { subject: '{{customer.name}}, {{stampsLeft}} to go', body: '{{card.name}}: use {{voucher.code}}' },
      vars,
    );
    expect(out.subject).toBe('Ada, 3 to go');
    expect(out.textBody).toBe('Coffee Club: use FREE-42');
    expect(out.htmlBody).toContain('<p>Coffee Club: use FREE-42</p>');
  });

  it('allows whitespace inside the braces', () => {
    const out = renderEmail({ subject: 'Hi {{  customer.name }}', body: '{{ stampsLeft\t}} left' }, vars);
    expect(out.subject).toBe('Hi Ada');
    expect(out.textBody).toBe('3 left');
  });

  it('renders a missing voucher code as an empty string', () => {
    const template = { subject: 's', body: 'Code: [{{voucher.code}}]' };
    expect(renderEmail(template, { ...vars, voucherCode: null }).textBody).toBe('Code: []');
    expect(renderEmail(template, { ...vars, voucherCode: undefined }).textBody).toBe('Code: []');
  });

  it('leaves unknown placeholders as written', () => {
    const out = renderEmail({ subject: '{{ coupon }}', body: 'Hi {{customer.name}} {{customer.email}}' }, vars);
    expect(out.subject).toBe('{{ coupon }}');
    expect(out.textBody).toBe('Hi Ada {{customer.email}}');
  });

  it('escapes a customer named <script> in the HTML and keeps it raw in the text', () => {
    const name = `<script>alert("x" & 'y')</script>`;
    const out = renderEmail(
      { subject: 'Hi {{customer.name}}', body: 'Dear {{customer.name}}' },
      { ...vars, customerName: name },
    );
    expect(out.textBody).toBe(`Dear ${name}`);
    expect(out.subject).toBe(`Hi ${name}`);
    expect(out.htmlBody).not.toContain('<script>');
    expect(out.htmlBody).toContain('Dear &lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;');
    expect(out.htmlBody).toContain('<title>Hi &lt;script&gt;');
  });

  it('escapes the template text itself in the HTML', () => {
    const out = renderEmail({ subject: 's', body: '<b>Bold</b> & "quoted"' }, vars);
    expect(out.textBody).toBe('<b>Bold</b> & "quoted"');
    expect(out.htmlBody).toContain('<p>&lt;b&gt;Bold&lt;/b&gt; &amp; &quot;quoted&quot;</p>');
  });

  it('turns blank lines into paragraphs and single newlines into line breaks', () => {
    const out = renderEmail({ subject: 's', body: 'Hello {{customer.name}},\r\nthanks!\n\n\nSee you\n  \nBye' }, vars);
    expect(out.textBody).toBe('Hello Ada,\r\nthanks!\n\n\nSee you\n  \nBye');
    expect(out.htmlBody).toContain('<p>Hello Ada,<br>\nthanks!</p>\n<p>See you</p>\n<p>Bye</p>');
  });

  it('wraps the HTML body in a minimal document', () => {
    const { htmlBody } = renderEmail({ subject: 'Subject', body: 'Body' }, vars);
    expect(htmlBody.startsWith('<!DOCTYPE html>\n<html>')).toBe(true);
    expect(htmlBody).toContain('<meta charset="utf-8">');
    expect(htmlBody.trimEnd().endsWith('</body>\n</html>')).toBe(true);
  });

  it('keeps a value with a newline from breaking the subject line', () => {
    const out = renderEmail(
      { subject: 'Hi {{customer.name}}!', body: '' },
      { ...vars, customerName: 'Ada\r\nBcc: x@y.z' },
    );
    expect(out.subject).toBe('Hi Ada Bcc: x@y.z!');
  });
});

describe('renderEmail: template injection', () => {
  it.each([
    'constructor',
    '__proto__',
    '__proto__.x',
    'toString',
    'hasOwnProperty',
    'valueOf',
    'constructor.name',
    'prototype',
  ])('leaves {{%s}} as written and touches no prototype', (name) => {
    const out = renderEmail({ subject: `{{${name}}}`, body: `a {{ ${name} }} b` }, vars);
    expect(out.subject).toBe(`{{${name}}}`);
    expect(out.textBody).toBe(`a {{ ${name} }} b`);
    expect(out.htmlBody).toContain(`<p>a {{ ${name} }} b</p>`);
    expect(Object.prototype).not.toHaveProperty('x');
  });

  it.each([
    '<script>alert(1)</script>',
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    '{{voucher.code}}',
  ])('escapes a customer named %s in the HTML and keeps it verbatim in the text', (name) => {
    const out = renderEmail(
      { subject: 'Hi {{ customer.name }}', body: 'Dear {{ customer.name }}' },
      { ...vars, customerName: name },
      layout,
    );
    expect(out.subject).toBe(`Hi ${name}`);
    expect(out.textBody.startsWith(`Dear ${name}\n`)).toBe(true);
    expect(out.htmlBody).toContain(`Dear ${escapeHtml(name)}</p>`);
    expect(out.htmlBody).not.toMatch(/<(script|img|svg)/i);
    // A value is filled once: placeholders inside it are not expanded again.
    expect(out.textBody).not.toContain('FREE-42');
  });

  it('escapes the merchant name and address in the HTML and keeps them verbatim in the text', () => {
    const out = renderEmail({ subject: 's', body: 'b' }, vars, {
      ...layout,
      merchantName: 'Tom & "Jerry" <b>',
      postalAddress: '<script>x</script>\nBig & Co',
    });
    expect(out.htmlBody).toContain('Tom &amp; &quot;Jerry&quot; &lt;b&gt;');
    expect(out.htmlBody).toContain('&lt;script&gt;x&lt;/script&gt;<br>\nBig &amp; Co');
    expect(out.htmlBody).not.toContain('<script>');
    expect(out.textBody).toContain('Tom & "Jerry" <b>\n<script>x</script>\nBig & Co\n');
  });
});

const layout: EmailLayout = {
  merchantName: 'Café Nord',
  brandColor: '#0a7c59',
  postalAddress: 'Café Nord GmbH\r\nHafenstraße 1\n\n  20457 Hamburg  ',
  unsubscribeUrl: 'https://mail.stampflow.test/u/tok?a=1&b=2',
};

describe('renderEmail with a layout', () => {
  it('ends the text part with a footer: separator, name, address lines, unsubscribe URL', () => {
    const out = renderEmail({ subject: 'Hi', body: 'Hello {{customer.name}}\n\n' }, vars, layout);
    expect(out.textBody).toBe(
      [
        'Hello Ada',
        '',
        '-- ',
        'Café Nord',
        'Café Nord GmbH',
        'Hafenstraße 1',
        '20457 Hamburg',
        'Unsubscribe: https://mail.stampflow.test/u/tok?a=1&b=2',
        '',
      ].join('\n'),
    );
  });

  it('puts the name, the address lines and a visible unsubscribe link in the HTML footer', () => {
    const { htmlBody } = renderEmail({ subject: 'Hi', body: 'Hello\n\nBye' }, vars, layout);
    expect(htmlBody.startsWith('<!DOCTYPE html>\n<html>')).toBe(true);
    expect(htmlBody).toContain('<title>Hi</title>');
    expect(htmlBody).toMatch(/<p style="[^"]*">Hello<\/p>\n<p style="[^"]*">Bye<\/p>/);
    expect(htmlBody).toContain('>Café Nord</p>');
    expect(htmlBody).toContain('Café Nord GmbH<br>\nHafenstraße 1<br>\n20457 Hamburg');
    expect(htmlBody).toMatch(/<a href="https:\/\/mail\.stampflow\.test\/u\/tok\?a=1&amp;b=2"[^>]*>Unsubscribe<\/a>/);
    expect(htmlBody.indexOf('Bye')).toBeLessThan(htmlBody.indexOf('Hafenstraße'));
    expect(htmlBody.trimEnd().endsWith('</body>\n</html>')).toBe(true);
  });

  it('colours the header band with the brand colour', () => {
    const { htmlBody } = renderEmail({ subject: 's', body: 'b' }, vars, layout);
    expect(htmlBody).toContain('background-color:#0a7c59;color:#ffffff;');
    const light = renderEmail({ subject: 's', body: 'b' }, vars, { ...layout, brandColor: '#FFE066' }).htmlBody;
    expect(light).toContain('background-color:#ffe066;color:#111111;');
  });

  it.each(['red', '#fff', '#12345g', 'url(javascript:alert(1))', '#123456;background:url(x)', ''])(
    'uses the neutral default for the brand colour %j',
    (brandColor) => {
      const { htmlBody } = renderEmail({ subject: 's', body: 'b' }, vars, { ...layout, brandColor });
      expect(htmlBody).toContain(`background-color:${DEFAULT_BRAND_COLOR};`);
      if (brandColor) expect(htmlBody).not.toContain(`background-color:${brandColor};`);
    },
  );

  it('uses the neutral default without a brand colour', () => {
    const { htmlBody } = renderEmail({ subject: 's', body: 'b' }, vars, { ...layout, brandColor: null });
    expect(htmlBody).toContain(`background-color:${DEFAULT_BRAND_COLOR};`);
  });

  it.each([
    'javascript:alert(1)',
    'JavaScript:alert(document.cookie)',
    ' javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'https://x.test/u/"onmouseover="alert(1)',
    'https://x.test/u/a b',
    '//x.test/u/tok',
    '',
  ])('does not link the unsubscribe URL %j', (unsubscribeUrl) => {
    const out = renderEmail({ subject: 's', body: 'b' }, vars, { ...layout, unsubscribeUrl });
    expect(out.htmlBody).not.toContain('<a ');
    expect(out.htmlBody).not.toContain('Unsubscribe');
    expect(out.textBody).not.toContain('Unsubscribe');
    expect(out.htmlBody).not.toMatch(/javascript:|data:/i);
  });

  it('still goes out without an address or an unsubscribe URL', () => {
    const out = renderEmail({ subject: 's', body: 'Hello' }, vars, {
      merchantName: 'Café Nord',
      brandColor: null,
      postalAddress: null,
      unsubscribeUrl: null,
    });
    expect(out.textBody).toBe('Hello\n\n-- \nCafé Nord\n');
    expect(out.htmlBody).toContain('<p style="margin:0 0 16px;">Hello</p>');
    expect(out.htmlBody).not.toContain('<a ');
  });

  it('keeps the output of callers without a layout unchanged', () => {
    const out = renderEmail({ subject: 's', body: 'Hello' }, vars);
    expect(out.textBody).toBe('Hello');
    expect(out.htmlBody).not.toContain('Unsubscribe');
    expect(out.htmlBody).toContain('<body>\n<p>Hello</p>\n</body>');
  });
});

describe('safeLinkUrl', () => {
  it('accepts absolute http(s) URLs only', () => {
    expect(safeLinkUrl('https://a.test/u/x?y=1')).toBe('https://a.test/u/x?y=1');
    expect(safeLinkUrl('http://localhost:3000/u/x')).toBe('http://localhost:3000/u/x');
    expect(safeLinkUrl('javascript:alert(1)')).toBeNull();
    expect(safeLinkUrl('https://')).toBeNull();
    expect(safeLinkUrl(null)).toBeNull();
  });
});

describe('escapeHtml', () => {
  it('escapes the five HTML-significant characters and nothing else', () => {
    expect(escapeHtml(`&<>"' é{{x}}`)).toBe('&amp;&lt;&gt;&quot;&#39; é{{x}}');
  });
});

describe('oneLine', () => {
  it('turns each run of whitespace holding a line break into one space, as the former pattern did', () => {
    const oracle = (text: string) => text.replace(/\s*[\r\n]+\s*/g, ' ');
    for (const text of ['a\nb', 'a \r\n  b', 'a  b', '\n', ' x \t\n\n y ', 'no break', '', '\t\ta\n']) {
      expect(oneLine(text), JSON.stringify(text)).toBe(oracle(text));
    }
  });

  it('stays linear on a long run of spaces: 200,000 of them render at once', () => {
    const layout: EmailLayout = { merchantName: 'Bean', brandColor: null, postalAddress: null, unsubscribeUrl: null };
    const spaces = ' '.repeat(200_000);
    const rendered = renderEmail({ subject: `Hi${spaces}there`, body: `{{${spaces}x\n${spaces}.${spaces}` }, { customerName: 'Ada', cardName: 'C', stampsLeft: 1 }, layout);
    expect(rendered.subject).toBe(`Hi${spaces}there`);
    expect(rendered.textBody).toContain(`x\n${spaces}.\n\n-- \n`);
  });
});
