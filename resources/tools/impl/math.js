// Executable implementations of the math tools. Each TOOLS['name'] takes the call's arguments and returns a
// JSON value; invalid input throws (the execution verifier reports it).
var TOOLS = {};

function requireInteger(value, name) {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new TypeError(name + ' must be an integer');
  return value;
}

function requireNumber(value, name) {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new TypeError(name + ' must be a number');
  return value;
}

function gcd(a, b) {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b) {
    var t = a % b;
    a = b;
    b = t;
  }
  return a;
}

function round(x, digits) {
  var f = Math.pow(10, digits);
  return Math.round(x * f) / f;
}

TOOLS['math.factorial'] = function (args) {
  var n = requireInteger(args.number, 'number');
  if (n < 0 || n > 170) throw new RangeError('number must be between 0 and 170');
  var r = 1;
  for (var i = 2; i <= n; i++) r *= i;
  return { number: n, factorial: r };
};

TOOLS['math.gcd'] = function (args) {
  var a = requireInteger(args.a, 'a');
  var b = requireInteger(args.b, 'b');
  return { gcd: gcd(a, b) };
};

TOOLS['math.lcm'] = function (args) {
  var a = requireInteger(args.a, 'a');
  var b = requireInteger(args.b, 'b');
  if (a === 0 || b === 0) return { lcm: 0 };
  return { lcm: Math.abs(a * b) / gcd(a, b) };
};

TOOLS['is_prime'] = function (args) {
  var n = requireInteger(args.number, 'number');
  if (n < 2) return { number: n, prime: false };
  for (var d = 2; d * d <= n; d++) if (n % d === 0) return { number: n, prime: false, divisor: d };
  return { number: n, prime: true };
};

TOOLS['fibonacci'] = function (args) {
  var n = requireInteger(args.n, 'n');
  if (n < 0 || n > 90) throw new RangeError('n must be between 0 and 90');
  var a = 0, b = 1;
  for (var i = 0; i < n; i++) {
    var t = a + b;
    a = b;
    b = t;
  }
  return { n: n, value: a };
};

TOOLS['solve_quadratic'] = function (args) {
  var a = requireNumber(args.a, 'a'), b = requireNumber(args.b, 'b'), c = requireNumber(args.c, 'c');
  if (a === 0) {
    if (b === 0) throw new RangeError('a and b cannot both be 0');
    return { roots: [round(-c / b, 6)] };
  }
  var disc = b * b - 4 * a * c;
  if (disc < 0) return { roots: [], discriminant: disc };
  if (disc === 0) return { roots: [round(-b / (2 * a), 6)], discriminant: 0 };
  var s = Math.sqrt(disc);
  return { roots: [round((-b - s) / (2 * a), 6), round((-b + s) / (2 * a), 6)].sort(function (x, y) { return x - y; }), discriminant: disc };
};

TOOLS['calculate_statistics'] = function (args) {
  var xs = args.numbers;
  if (!Array.isArray(xs) || xs.length === 0) throw new TypeError('numbers must be a non-empty list');
  xs.forEach(function (x, i) { requireNumber(x, 'numbers[' + i + ']'); });
  var sorted = xs.slice().sort(function (x, y) { return x - y; });
  var mean = xs.reduce(function (s, x) { return s + x; }, 0) / xs.length;
  var value;
  switch (args.measure) {
    case 'mean': value = mean; break;
    case 'median': {
      var mid = Math.floor(sorted.length / 2);
      value = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
      break;
    }
    case 'mode': {
      var counts = {}, best = sorted[0], bestCount = 0;
      sorted.forEach(function (x) {
        counts[x] = (counts[x] || 0) + 1;
        if (counts[x] > bestCount) { best = x; bestCount = counts[x]; }
      });
      value = best;
      break;
    }
    case 'stdev': {
      var v = xs.reduce(function (s, x) { return s + (x - mean) * (x - mean); }, 0) / xs.length;
      value = Math.sqrt(v);
      break;
    }
    case 'range': value = sorted[sorted.length - 1] - sorted[0]; break;
    default: throw new RangeError('unknown measure ' + JSON.stringify(args.measure));
  }
  return { measure: args.measure, value: round(value, 6), count: xs.length };
};

TOOLS['calculate_percentage'] = function (args) {
  var part = requireNumber(args.part, 'part'), whole = requireNumber(args.whole, 'whole');
  if (whole === 0) throw new RangeError('whole cannot be 0');
  return { percent: round((part / whole) * 100, 4) };
};
