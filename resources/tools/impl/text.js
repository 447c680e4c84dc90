// String utilities.
var TOOLS = {};

function text(args) {
  if (typeof args.text !== 'string') throw new TypeError('text must be a string');
  return args.text;
}

TOOLS['count_words'] = function (args) {
  var t = text(args).trim();
  return { words: t === '' ? 0 : t.split(/\s+/).length };
};

TOOLS['count_characters'] = function (args) {
  var t = text(args);
  var withSpaces = args.include_spaces === undefined ? true : args.include_spaces;
  return { characters: withSpaces ? Array.from(t).length : Array.from(t.replace(/\s/g, '')).length };
};

TOOLS['reverse_text'] = function (args) {
  return { text: Array.from(text(args)).reverse().join('') };
};

TOOLS['change_case'] = function (args) {
  var t = text(args);
  switch (args['case']) {
    case 'upper': return { text: t.toUpperCase() };
    case 'lower': return { text: t.toLowerCase() };
    case 'title': return { text: t.toLowerCase().replace(/(^|\s)(\S)/g, function (m, s, c) { return s + c.toUpperCase(); }) };
    default: throw new RangeError('unknown case ' + JSON.stringify(args['case']));
  }
};

TOOLS['find_replace'] = function (args) {
  var t = text(args);
  if (typeof args.find !== 'string' || args.find === '') throw new TypeError('find must be a non-empty string');
  if (typeof args.replace !== 'string') throw new TypeError('replace must be a string');
  var parts = t.split(args.find);
  return { text: parts.join(args.replace), replacements: parts.length - 1 };
};

TOOLS['is_palindrome'] = function (args) {
  var t = text(args).toLowerCase().replace(/[^a-z0-9]/g, '');
  return { palindrome: t === t.split('').reverse().join('') };
};

TOOLS['make_slug'] = function (args) {
  var slug = text(args).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return { slug: slug };
};
