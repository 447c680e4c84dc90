// Money tools. Currency conversion uses a fixed reference table (units per US dollar), so results are
// reproducible offline.
var TOOLS = {};

var PER_USD = { USD: 1, EUR: 0.92, GBP: 0.79, JPY: 150, CHF: 0.88, CAD: 1.36, AUD: 1.52, INR: 83, CNY: 7.2, MXN: 17, BRL: 5, SEK: 10.5 };

function money(x) {
  return Math.round(x * 100) / 100;
}

function number(value, name) {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new TypeError(name + ' must be a number');
  return value;
}

function currency(code, name) {
  var c = typeof code === 'string' ? code.toUpperCase() : code;
  if (!(c in PER_USD)) throw new RangeError(name + ': unknown currency ' + JSON.stringify(code) + ' (known: ' + Object.keys(PER_USD).join(', ') + ')');
  return c;
}

TOOLS['convert_currency'] = function (args) {
  var amount = number(args.amount, 'amount');
  var from = currency(args.from_currency, 'from_currency'), to = currency(args.to_currency, 'to_currency');
  return { amount: money((amount / PER_USD[from]) * PER_USD[to]), currency: to };
};

TOOLS['get_exchange_rate'] = function (args) {
  var base = currency(args.base, 'base'), target = currency(args.target, 'target');
  return { rate: Math.round((PER_USD[target] / PER_USD[base]) * 1e6) / 1e6, base: base, target: target };
};

TOOLS['calculate_loan_payment'] = function (args) {
  var p = number(args.principal, 'principal'), rate = number(args.annual_rate, 'annual_rate'), years = args.years;
  if (typeof years !== 'number' || !Number.isInteger(years) || years <= 0) throw new RangeError('years must be a positive integer');
  if (p <= 0) throw new RangeError('principal must be positive');
  var n = years * 12, r = rate / 100 / 12;
  var payment = r === 0 ? p / n : (p * r) / (1 - Math.pow(1 + r, -n));
  return { monthly_payment: money(payment), total_paid: money(payment * n) };
};

TOOLS['compound_interest'] = function (args) {
  var p = number(args.principal, 'principal'), rate = number(args.annual_rate, 'annual_rate'), years = number(args.years, 'years');
  var k = args.compounds_per_year === undefined ? 12 : args.compounds_per_year;
  if (typeof k !== 'number' || !Number.isInteger(k) || k <= 0) throw new RangeError('compounds_per_year must be a positive integer');
  var value = p * Math.pow(1 + rate / 100 / k, k * years);
  return { future_value: money(value), interest: money(value - p) };
};

TOOLS['calculate_tip'] = function (args) {
  var bill = number(args.bill_amount, 'bill_amount'), pct = number(args.tip_percent, 'tip_percent');
  var split = args.split === undefined ? 1 : args.split;
  if (typeof split !== 'number' || !Number.isInteger(split) || split <= 0) throw new RangeError('split must be a positive integer');
  if (bill < 0 || pct < 0) throw new RangeError('bill_amount and tip_percent cannot be negative');
  var tip = (bill * pct) / 100;
  return { tip: money(tip), total: money(bill + tip), per_person: money((bill + tip) / split) };
};
