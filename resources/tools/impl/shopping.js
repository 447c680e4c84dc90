// Shopping arithmetic.
var TOOLS = {};

TOOLS['calculate_discount'] = function (args) {
  if (typeof args.price !== 'number' || args.price < 0) throw new RangeError('price must be a non-negative number');
  if (typeof args.discount_percent !== 'number' || args.discount_percent < 0 || args.discount_percent > 100) throw new RangeError('discount_percent must be within 0..100');
  var saved = (args.price * args.discount_percent) / 100;
  return { final_price: Math.round((args.price - saved) * 100) / 100, saved: Math.round(saved * 100) / 100 };
};
