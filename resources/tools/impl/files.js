// A small simulated file system. Every call starts from the same initial tree (the sandbox gives each call a
// fresh context), so results are deterministic: a write is reported, not remembered.
var TOOLS = {};

var INITIAL = {
  '/docs/report.txt': 'Quarterly report draft. Revenue grew 12 percent.',
  '/docs/notes.md': '# Notes\n- call the bank\n- renew passport',
  '/docs/budget.csv': 'item,amount\nrent,1200\nfood,450',
  '/docs/resume.pdf': '%PDF resume',
  '/photos/beach.jpg': 'JPEG beach',
  '/photos/cat.png': 'PNG cat',
  '/photos/birthday.jpg': 'JPEG birthday',
  '/music/playlist.m3u': 'song1.mp3\nsong2.mp3',
  '/work/todo.txt': 'finish slides\nemail Sam',
  '/work/meeting_notes.txt': 'Agenda: budget, hiring.',
  '/work/slides.pdf': '%PDF slides',
  '/recipes/pancakes.txt': 'flour, milk, eggs',
  '/recipes/soup.txt': 'onion, carrot, stock',
};
var FOLDERS = ['/', '/docs', '/photos', '/music', '/work', '/recipes', '/archive'];

function clean(path, name) {
  if (typeof path !== 'string' || path === '') throw new TypeError(name + ' must be a path');
  if (path.charAt(0) !== '/') path = '/' + path;
  if (path.length > 1 && path.charAt(path.length - 1) === '/') path = path.slice(0, -1);
  return path;
}

function parent(path) {
  var i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

function isFolder(path) {
  return FOLDERS.indexOf(path) >= 0;
}

TOOLS['list_directory'] = function (args) {
  var dir = clean(args.path, 'path');
  if (!isFolder(dir)) throw new Error('not a folder: ' + dir);
  var prefix = dir === '/' ? '/' : dir + '/';
  var entries = [];
  FOLDERS.concat(Object.keys(INITIAL)).forEach(function (p) {
    if (p !== dir && p.indexOf(prefix) === 0 && p.slice(prefix.length).indexOf('/') < 0) entries.push(p.slice(prefix.length) + (isFolder(p) ? '/' : ''));
  });
  return { path: dir, entries: entries.sort() };
};

TOOLS['read_file'] = function (args) {
  var path = clean(args.path, 'path');
  if (!(path in INITIAL)) throw new Error('no such file: ' + path);
  return { path: path, content: INITIAL[path] };
};

TOOLS['write_file'] = function (args) {
  var path = clean(args.path, 'path');
  if (typeof args.content !== 'string') throw new TypeError('content must be a string');
  if (isFolder(path)) throw new Error('is a folder: ' + path);
  if (!isFolder(parent(path))) throw new Error('no such folder: ' + parent(path));
  return { path: path, bytes: args.content.length, created: !(path in INITIAL) };
};

TOOLS['delete_file'] = function (args) {
  var path = clean(args.path, 'path');
  if (!(path in INITIAL)) throw new Error('no such file: ' + path);
  return { deleted: path };
};

TOOLS['move_file'] = function (args) {
  var from = clean(args.source, 'source'), to = clean(args.destination, 'destination');
  if (!(from in INITIAL)) throw new Error('no such file: ' + from);
  if (isFolder(to)) to = (to === '/' ? '' : to) + from.slice(from.lastIndexOf('/'));
  if (!isFolder(parent(to))) throw new Error('no such folder: ' + parent(to));
  return { moved: from, to: to };
};

TOOLS['search_files'] = function (args) {
  if (typeof args.pattern !== 'string' || args.pattern === '') throw new TypeError('pattern must be a non-empty string');
  var dir = clean(args.directory === undefined ? '/' : args.directory, 'directory');
  if (!isFolder(dir)) throw new Error('not a folder: ' + dir);
  var prefix = dir === '/' ? '/' : dir + '/';
  var needle = args.pattern.toLowerCase();
  var hits = Object.keys(INITIAL).filter(function (p) {
    return p.indexOf(prefix) === 0 && p.slice(p.lastIndexOf('/') + 1).toLowerCase().indexOf(needle) >= 0;
  });
  return { matches: hits.sort() };
};
