import { describe, expect, it } from 'vitest';
import { escapeHtml, renderEmail } from './render';

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

describe('escapeHtml', () => {
  it('escapes the five HTML-significant characters and nothing else', () => {
    expect(escapeHtml(`&<>"' é{{x}}`)).toBe('&amp;&lt;&gt;&quot;&#39; é{{x}}');
  });
});
