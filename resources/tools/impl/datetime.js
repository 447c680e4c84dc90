// Date arithmetic on calendar dates (YYYY-MM-DD, proleptic Gregorian, no time zones) and clock times
// between fixed-offset zones.
var TOOLS = {};

var DAY_MS = 86400000;
var WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
var OFFSETS = { UTC: 0, London: 0, Paris: 60, 'New York': -300, 'Los Angeles': -480, Tokyo: 540, Sydney: 600, Dubai: 240, Mumbai: 330 };

function parseDate(value, name) {
  var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(typeof value === 'string' ? value : '');
  if (!m) throw new TypeError(name + ' must be a date as YYYY-MM-DD, got ' + JSON.stringify(value));
  var y = Number(m[1]), mo = Number(m[2]), d = Number(m[3]);
  var t = Date.UTC(y, mo - 1, d);
  var back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) throw new RangeError(name + ' is not a real date: ' + value);
  return t;
}

function formatDate(t) {
  return new Date(t).toISOString().slice(0, 10);
}

TOOLS['add_days'] = function (args) {
  if (typeof args.days !== 'number' || !Number.isInteger(args.days)) throw new TypeError('days must be an integer');
  var t = parseDate(args.date, 'date') + args.days * DAY_MS;
  return { date: formatDate(t), weekday: WEEKDAYS[new Date(t).getUTCDay()] };
};

TOOLS['days_between'] = function (args) {
  var a = parseDate(args.start_date, 'start_date'), b = parseDate(args.end_date, 'end_date');
  return { days: Math.round((b - a) / DAY_MS) };
};

TOOLS['get_weekday'] = function (args) {
  return { weekday: WEEKDAYS[new Date(parseDate(args.date, 'date')).getUTCDay()] };
};

TOOLS['convert_timezone'] = function (args) {
  var m = /^(\d{1,2}):(\d{2})$/.exec(typeof args.time === 'string' ? args.time : '');
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) throw new TypeError('time must be HH:MM (24h), got ' + JSON.stringify(args.time));
  if (!(args.from_tz in OFFSETS)) throw new RangeError('unknown time zone ' + JSON.stringify(args.from_tz));
  if (!(args.to_tz in OFFSETS)) throw new RangeError('unknown time zone ' + JSON.stringify(args.to_tz));
  var minutes = Number(m[1]) * 60 + Number(m[2]) - OFFSETS[args.from_tz] + OFFSETS[args.to_tz];
  var dayShift = Math.floor(minutes / 1440);
  minutes = ((minutes % 1440) + 1440) % 1440;
  var hh = Math.floor(minutes / 60), mm = minutes % 60;
  return { time: (hh < 10 ? '0' : '') + hh + ':' + (mm < 10 ? '0' : '') + mm, day_shift: dayShift };
};

TOOLS['is_leap_year'] = function (args) {
  var y = args.year;
  if (typeof y !== 'number' || !Number.isInteger(y)) throw new TypeError('year must be an integer');
  return { year: y, leap: (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 };
};

TOOLS['calculate_age'] = function (args) {
  var b = new Date(parseDate(args.birth_date, 'birth_date')), on = new Date(parseDate(args.on_date, 'on_date'));
  if (on < b) throw new RangeError('on_date is before birth_date');
  var age = on.getUTCFullYear() - b.getUTCFullYear();
  if (on.getUTCMonth() < b.getUTCMonth() || (on.getUTCMonth() === b.getUTCMonth() && on.getUTCDate() < b.getUTCDate())) age -= 1;
  return { age: age };
};
