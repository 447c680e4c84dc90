// Unit conversions: each table maps a unit to its size in a base unit.
var TOOLS = {};

var LENGTH = { mm: 0.001, cm: 0.01, m: 1, km: 1000, in: 0.0254, ft: 0.3048, yd: 0.9144, mi: 1609.344 };
var WEIGHT = { mg: 0.000001, g: 0.001, kg: 1, oz: 0.028349523125, lb: 0.45359237, st: 6.35029318 };
var VOLUME = { ml: 0.001, l: 1, tsp: 0.00492892159375, tbsp: 0.01478676478125, cup: 0.2365882365, fl_oz: 0.0295735295625, gal: 3.785411784 };
var SPEED = { 'm/s': 1, 'km/h': 1 / 3.6, mph: 0.44704, knots: 0.514444 };
var DATA = { B: 1, KB: 1024, MB: 1048576, GB: 1073741824, TB: 1099511627776 };

function round(x, digits) {
  var f = Math.pow(10, digits);
  return Math.round(x * f) / f;
}

function scaled(table, kind) {
  return function (args) {
    if (typeof args.value !== 'number' || !Number.isFinite(args.value)) throw new TypeError('value must be a number');
    var from = table[args.from_unit], to = table[args.to_unit];
    if (from === undefined) throw new RangeError('unknown ' + kind + ' unit ' + JSON.stringify(args.from_unit));
    if (to === undefined) throw new RangeError('unknown ' + kind + ' unit ' + JSON.stringify(args.to_unit));
    if (kind !== 'data' && args.value < 0) throw new RangeError('a ' + kind + ' cannot be negative');
    return { value: round((args.value * from) / to, 6), unit: args.to_unit };
  };
}

TOOLS['convert_length'] = scaled(LENGTH, 'length');
TOOLS['convert_weight'] = scaled(WEIGHT, 'weight');
TOOLS['convert_volume'] = scaled(VOLUME, 'volume');
TOOLS['convert_speed'] = scaled(SPEED, 'speed');
TOOLS['convert_data_size'] = scaled(DATA, 'data');

TOOLS['convert_temperature'] = function (args) {
  var v = args.value;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError('value must be a number');
  var toKelvin = { celsius: function (x) { return x + 273.15; }, fahrenheit: function (x) { return (x - 32) * 5 / 9 + 273.15; }, kelvin: function (x) { return x; } };
  var fromKelvin = { celsius: function (k) { return k - 273.15; }, fahrenheit: function (k) { return (k - 273.15) * 9 / 5 + 32; }, kelvin: function (k) { return k; } };
  if (!toKelvin[args.from_unit]) throw new RangeError('unknown temperature unit ' + JSON.stringify(args.from_unit));
  if (!fromKelvin[args.to_unit]) throw new RangeError('unknown temperature unit ' + JSON.stringify(args.to_unit));
  var k = toKelvin[args.from_unit](v);
  if (k < 0) throw new RangeError('below absolute zero');
  return { value: round(fromKelvin[args.to_unit](k), 4), unit: args.to_unit };
};
