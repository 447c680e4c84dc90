// Geometry on the globe (a sphere of mean Earth radius).
var TOOLS = {};

TOOLS['distance_between_coordinates'] = function (args) {
  ['lat1', 'lon1', 'lat2', 'lon2'].forEach(function (k) {
    if (typeof args[k] !== 'number' || !Number.isFinite(args[k])) throw new TypeError(k + ' must be a number');
  });
  if (Math.abs(args.lat1) > 90 || Math.abs(args.lat2) > 90) throw new RangeError('latitude must be within -90..90');
  if (Math.abs(args.lon1) > 180 || Math.abs(args.lon2) > 180) throw new RangeError('longitude must be within -180..180');
  var rad = Math.PI / 180;
  var dLat = (args.lat2 - args.lat1) * rad, dLon = (args.lon2 - args.lon1) * rad;
  var h = Math.sin(dLat / 2) * Math.sin(dLat / 2) + Math.cos(args.lat1 * rad) * Math.cos(args.lat2 * rad) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
  var km = 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(h)));
  var unit = args.unit === undefined ? 'km' : args.unit;
  if (unit !== 'km' && unit !== 'mi') throw new RangeError('unit must be km or mi');
  var d = unit === 'mi' ? km / 1.609344 : km;
  return { distance: Math.round(d * 100) / 100, unit: unit };
};
