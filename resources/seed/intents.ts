/**
 * Request templates for every tool of the built-in pool (`resources/tools/*.json`): each returns one
 * request in words and the arguments of the call that serves it. `src/main/engine/pool/seed.ts` composes
 * them into seed samples (simple, multiple, parallel, parallel_multiple, irrelevance) and the in-domain
 * evaluation set. Written by us for Toolsmith.
 */
import {
  amount, CITIES, COUNTRIES, date, dateAfter, email, NATIONALITIES, PEOPLE, PHONES, say, SURNAMES, time,
  type IntentGen, type Rng,
} from '../../src/main/engine/pool/intent-kit';

const UNITS_WORD: Record<string, string> = { celsius: 'Celsius', fahrenheit: 'Fahrenheit' };
const ROOMS = ['living room', 'kitchen', 'bedroom', 'office', 'bathroom', 'garage'];
const SYMBOLS = ['AAPL', 'MSFT', 'TSLA', 'AMZN', 'NVDA', 'GOOG', 'NFLX', 'IBM', 'SAP', 'SONY'];
const CURRENCIES: [string, string][] = [['USD', 'US dollars'], ['EUR', 'euros'], ['GBP', 'British pounds'], ['JPY', 'Japanese yen'], ['CHF', 'Swiss francs'], ['CAD', 'Canadian dollars'], ['AUD', 'Australian dollars'], ['INR', 'Indian rupees'], ['CNY', 'Chinese yuan'], ['MXN', 'Mexican pesos'], ['BRL', 'Brazilian reais'], ['SEK', 'Swedish kronor']];
const EVENTS = ['Team sync', 'Dentist', 'Lunch with Priya', 'Project review', 'Yoga class', 'Budget meeting', 'Call with Sam', 'Book club', 'Parent evening', 'Design workshop'];
const PLACES = ['Central Station', 'the airport', 'City Hall', 'the museum', 'Union Square', 'the stadium', 'Riverside Park', 'the university', 'Main Street 12', 'the harbour'];
const ADDRESSES = ['10 Downing Street, London', '1600 Pennsylvania Avenue, Washington', '350 Fifth Avenue, New York', 'Champ de Mars, Paris', '221B Baker Street, London', 'Alexanderplatz 1, Berlin', 'Plaza Mayor, Madrid', 'Via del Corso 5, Rome'];
const COORDS: [number, number, string][] = [[48.8566, 2.3522, 'Paris'], [51.5074, -0.1278, 'London'], [40.7128, -74.006, 'New York'], [35.6762, 139.6503, 'Tokyo'], [52.52, 13.405, 'Berlin'], [-33.8688, 151.2093, 'Sydney'], [41.9028, 12.4964, 'Rome'], [55.7558, 37.6173, 'Moscow'], [19.4326, -99.1332, 'Mexico City'], [-1.2921, 36.8219, 'Nairobi']];
const PRODUCTS = ['wireless headphones', 'running shoes', 'a coffee grinder', 'a yoga mat', 'a desk lamp', 'a mechanical keyboard', 'a winter jacket', 'a board game', 'a water bottle', 'a phone charger', 'a cookbook', 'a tent'];
const PRODUCT_CATS: [string, string][] = [['electronics', 'electronics'], ['books', 'books'], ['clothing', 'clothing'], ['home', 'home goods'], ['sports', 'sports gear'], ['toys', 'toys'], ['grocery', 'groceries']];
const FLIGHTS = ['BA117', 'LH400', 'AF22', 'UA901', 'QF1', 'EK203', 'DL44', 'KL643', 'JL5', 'IB6251'];
const SONGS = ['jazz', 'Bohemian Rhapsody', 'lo-fi beats', 'Taylor Swift', 'classical piano', 'the Beatles', 'morning playlist', 'Miles Davis', 'rain sounds', 'Daft Punk'];
const CHANNELS = ['general', 'design', 'random', 'release', 'support', 'marketing'];
const NOTES = ['the meeting moved to 3', 'I am running late', 'dinner is at 7', 'the package arrived', 'call me when you land', 'happy birthday', 'the build is green', 'see you at the gym'];
const WORDS = ['racecar', 'level', 'banana', 'Never odd or even', 'hello world', 'Was it a car or a cat I saw', 'toolsmith', 'noon', 'open source', 'Step on no pets'];
const PHRASES = ['the quick brown fox', 'small models can learn tools', 'hello from Toolsmith', 'a rainy day in Oslo', 'meet me at noon', 'learning never stops', 'tiny but mighty', 'welcome to the team'];
const TITLES = ['My First Trip to Japan', 'Ten Tips for Better Sleep', 'How We Ship Software', 'Winter Soup Recipes', 'A Guide to Houseplants', 'Notes on Tool Use'];
const FILES = ['/docs/report.txt', '/docs/notes.md', '/docs/budget.csv', '/work/todo.txt', '/work/meeting_notes.txt', '/recipes/pancakes.txt', '/recipes/soup.txt', '/music/playlist.m3u'];
const MOVABLE = ['/docs/report.txt', '/docs/resume.pdf', '/photos/beach.jpg', '/photos/cat.png', '/work/slides.pdf', '/work/todo.txt', '/photos/birthday.jpg'];
const FOLDERS = ['/docs', '/photos', '/music', '/work', '/recipes', '/archive'];
const PATTERNS = ['report', 'notes', 'pdf', 'jpg', 'soup', 'budget', 'todo', 'cat'];
const TZ = ['UTC', 'London', 'Paris', 'New York', 'Los Angeles', 'Tokyo', 'Sydney', 'Dubai', 'Mumbai'];

function unitsOpt(r: Rng, city: string, base: string[], withUnits: (u: string) => string[]) {
  if (r.chance(0.35)) {
    const units = r.pick(['celsius', 'fahrenheit']);
    return say(r, withUnits(UNITS_WORD[units] as string), { city, units });
  }
  return say(r, base, { city });
}

function conv(units: [string, string][], lo: number, hi: number, noun: string): IntentGen {
  return (r) => {
    const [a, b] = r.sample(units, 2) as [[string, string], [string, string]];
    const value = amount(r, lo, hi, true);
    return say(r, [`Convert ${value} ${a[1]} to ${b[1]}.`, `How many ${b[1]} is ${value} ${a[1]}?`, `What is ${value} ${a[1]} in ${b[1]}?`, `Please turn ${value} ${a[1]} into ${b[1]}.`, `I need this ${noun} in ${b[1]}: ${value} ${a[1]}.`], {
      value,
      from_unit: a[0],
      to_unit: b[0],
    });
  };
}

export const POOL_INTENTS: Record<string, IntentGen> = {
  // weather
  get_current_weather: (r) => {
    const city = r.pick(CITIES);
    return unitsOpt(r, city, [`What's the weather in ${city} right now?`, `How is the weather in ${city}?`, `Is it raining in ${city} at the moment?`, `Tell me the current weather in ${city}.`], (u) => [`What's the weather in ${city}, in ${u}?`, `Current temperature in ${city} in ${u}, please.`]);
  },
  get_weather_forecast: (r) => {
    const city = r.pick(CITIES);
    const days = r.int(2, 10);
    if (r.chance(0.3)) {
      const units = r.pick(['celsius', 'fahrenheit']);
      return say(r, [`Give me the ${days}-day forecast for ${city} in ${UNITS_WORD[units]}.`, `Forecast for ${city} for the next ${days} days, in ${UNITS_WORD[units]}.`], { city, days, units });
    }
    return say(r, [`What's the forecast for ${city} for the next ${days} days?`, `Show me a ${days}-day weather forecast for ${city}.`, `Will it be sunny in ${city} over the next ${days} days?`], { city, days });
  },
  get_air_quality: (r) => {
    const city = r.pick(CITIES);
    return say(r, [`How is the air quality in ${city}?`, `Is the air clean in ${city} today?`, `Check the air quality index for ${city}.`], { city });
  },
  get_uv_index: (r) => {
    const city = r.pick(CITIES);
    const d = date(r);
    return say(r, [`What's the UV index in ${city} on ${d.say}?`, `Do I need sunscreen in ${city} on ${d.say}? Check the UV index.`, `UV index for ${city} on ${d.say}, please.`], { city, date: d.iso });
  },
  get_sunrise_sunset: (r) => {
    const city = r.pick(CITIES);
    const d = date(r);
    return say(r, [`When is sunrise in ${city} on ${d.say}?`, `What time does the sun set in ${city} on ${d.say}?`, `Sunrise and sunset times for ${city} on ${d.say}.`], { city, date: d.iso });
  },
  get_weather_alerts: (r) => {
    const region = r.pick([...CITIES, 'Florida', 'Bavaria', 'Queensland', 'Texas']);
    if (r.chance(0.4)) {
      const severity = r.pick(['minor', 'moderate', 'severe']);
      return say(r, [`Are there any ${severity} or worse weather alerts for ${region}?`, `List weather alerts in ${region} of at least ${severity} severity.`], { region, severity });
    }
    return say(r, [`Are there any weather warnings for ${region}?`, `Show active weather alerts in ${region}.`], { region });
  },
  // calendar
  create_event: (r) => {
    const title = r.pick(EVENTS);
    const d = date(r);
    const t = time(r, 8, 19);
    const args: Record<string, string | number> = { title, date: d.iso, start_time: t.hhmm };
    let extra = '';
    if (r.chance(0.4)) {
      args.duration_minutes = r.pick([15, 30, 45, 90, 120]);
      extra += ` for ${args.duration_minutes} minutes`;
    }
    if (r.chance(0.3)) {
      args.location = r.pick(['Room 4B', 'the cafe', 'Zoom', 'the office', 'City Library']);
      extra += ` at ${args.location}`;
    }
    return say(r, [`Add "${title}" to my calendar on ${d.say} at ${t.say}${extra}.`, `Create an event called ${title} on ${d.say} starting ${t.say}${extra}.`, `Schedule ${title} for ${d.say} at ${t.say}${extra}.`], args);
  },
  list_events: (r) => {
    const d = date(r);
    if (r.chance(0.4)) {
      const calendar = r.pick(['work', 'personal']);
      return say(r, [`What's on my ${calendar} calendar on ${d.say}?`, `List my ${calendar} events for ${d.say}.`], { date: d.iso, calendar });
    }
    return say(r, [`What do I have on ${d.say}?`, `Show my events for ${d.say}.`, `Am I busy on ${d.say}?`], { date: d.iso });
  },
  delete_event: (r) => {
    const id = `EV-${r.int(1000, 9999)}`;
    return say(r, [`Delete event ${id} from my calendar.`, `Cancel the event with id ${id}.`, `Remove calendar event ${id}.`], { event_id: id });
  },
  set_reminder: (r) => {
    const message = r.pick(['pay the rent', 'call mom', 'water the plants', 'submit the report', 'pick up the kids', 'renew my passport', 'take my medicine']);
    const d = date(r);
    const t = time(r);
    return say(r, [`Remind me to ${message} on ${d.say} at ${t.say}.`, `Set a reminder on ${d.say} at ${t.say} to ${message}.`], { message, date: d.iso, time: t.hhmm });
  },
  find_free_slot: (r) => {
    const d = date(r);
    const m = r.pick([30, 45, 60, 90, 120]);
    return say(r, [`Find me a free ${m}-minute slot on ${d.say}.`, `When am I free for ${m} minutes on ${d.say}?`, `Is there a ${m} minute gap in my calendar on ${d.say}?`], { date: d.iso, duration_minutes: m });
  },
  invite_attendees: (r) => {
    const id = `EV-${r.int(1000, 9999)}`;
    const people = r.sample(PEOPLE, r.int(1, 3)).map((p) => `${p.toLowerCase()}@example.com`);
    return say(r, [`Invite ${people.join(' and ')} to event ${id}.`, `Add ${people.join(', ')} as attendees of ${id}.`], { event_id: id, emails: people });
  },
  // maps
  get_directions: (r) => {
    const [origin, destination] = r.sample(PLACES, 2) as [string, string];
    if (r.chance(0.5)) {
      const mode = r.pick(['walking', 'cycling', 'transit', 'driving']);
      const how = { walking: 'on foot', cycling: 'by bike', transit: 'by public transport', driving: 'by car' }[mode];
      return say(r, [`How do I get from ${origin} to ${destination} ${how}?`, `Give me ${mode} directions from ${origin} to ${destination}.`], { origin, destination, mode });
    }
    return say(r, [`Directions from ${origin} to ${destination}, please.`, `How do I get to ${destination} from ${origin}?`], { origin, destination });
  },
  find_nearby_places: (r) => {
    const location = r.pick([...PLACES, ...CITIES.slice(0, 8)]);
    const [category, word] = r.pick([['restaurant', 'restaurants'], ['cafe', 'cafes'], ['pharmacy', 'pharmacies'], ['gas_station', 'gas stations'], ['hotel', 'hotels'], ['atm', 'ATMs'], ['supermarket', 'supermarkets'], ['park', 'parks']] as const);
    if (r.chance(0.35)) {
      const radius_km = r.pick([0.5, 1, 3, 5, 10]);
      return say(r, [`Find ${word} within ${radius_km} km of ${location}.`, `Any ${word} in a ${radius_km} km radius around ${location}?`], { location, category, radius_km });
    }
    return say(r, [`Find ${word} near ${location}.`, `Are there any ${word} close to ${location}?`, `Show me nearby ${word} around ${location}.`], { location, category });
  },
  geocode_address: (r) => {
    const address = r.pick(ADDRESSES);
    return say(r, [`What are the coordinates of ${address}?`, `Geocode this address: ${address}.`, `Get the latitude and longitude for ${address}.`], { address });
  },
  reverse_geocode: (r) => {
    const [latitude, longitude] = r.pick(COORDS);
    return say(r, [`What address is at latitude ${latitude}, longitude ${longitude}?`, `Reverse geocode ${latitude}, ${longitude}.`, `Which place is at coordinates ${latitude} and ${longitude}?`], { latitude, longitude });
  },
  get_travel_time: (r) => {
    const [origin, destination] = r.sample(PLACES, 2) as [string, string];
    if (r.chance(0.5)) {
      const mode = r.pick(['walking', 'cycling', 'transit']);
      return say(r, [`How long does it take to go from ${origin} to ${destination} by ${mode}?`, `Travel time from ${origin} to ${destination}, ${mode}.`], { origin, destination, mode });
    }
    return say(r, [`How long is the drive from ${origin} to ${destination}?`, `How long will it take to get from ${origin} to ${destination}?`], { origin, destination });
  },
  distance_between_coordinates: (r) => {
    const [a, b] = r.sample(COORDS, 2) as [[number, number, string], [number, number, string]];
    const args: Record<string, number | string> = { lat1: a[0], lon1: a[1], lat2: b[0], lon2: b[1] };
    if (r.chance(0.4)) {
      args.unit = 'mi';
      return say(r, [`How many miles from (${a[0]}, ${a[1]}) to (${b[0]}, ${b[1]})?`, `Distance in miles between ${a[0]},${a[1]} and ${b[0]},${b[1]}.`], args);
    }
    return say(r, [`What's the distance between (${a[0]}, ${a[1]}) and (${b[0]}, ${b[1]})?`, `How far apart are the points ${a[0]},${a[1]} and ${b[0]},${b[1]}?`], args);
  },
  // finance
  get_stock_price: (r) => {
    const symbol = r.pick(SYMBOLS);
    return say(r, [`What's the stock price of ${symbol}?`, `How much is ${symbol} trading at?`, `Get me the latest ${symbol} share price.`], { symbol });
  },
  convert_currency: (r) => {
    const [a, b] = r.sample(CURRENCIES, 2) as [[string, string], [string, string]];
    const value = amount(r, 5, 5000, true);
    const forms = r.chance(0.5)
      ? [`Convert ${value} ${a[0]} to ${b[0]}.`, `How much is ${value} ${a[0]} in ${b[0]}?`]
      : [`How many ${b[1]} do I get for ${value} ${a[1]}?`, `Change ${value} ${a[1]} into ${b[1]}.`];
    return say(r, forms, { amount: value, from_currency: a[0], to_currency: b[0] });
  },
  get_exchange_rate: (r) => {
    const [a, b] = r.sample(CURRENCIES, 2) as [[string, string], [string, string]];
    return say(r, [`What's the exchange rate from ${a[0]} to ${b[0]}?`, `How many ${b[1]} is one ${a[0]} worth?`, `Give me the ${a[0]}/${b[0]} rate.`], { base: a[0], target: b[0] });
  },
  calculate_loan_payment: (r) => {
    const principal = r.pick([5000, 12000, 25000, 150000, 240000, 320000, 8000]);
    const annual_rate = r.pick([3.5, 4, 4.25, 5.5, 6, 7.2, 2.9]);
    const years = r.pick([3, 5, 10, 15, 20, 30]);
    return say(r, [`What's the monthly payment on a ${principal} loan at ${annual_rate}% for ${years} years?`, `Calculate my monthly payment: borrowing ${principal} at ${annual_rate} percent over ${years} years.`], { principal, annual_rate, years });
  },
  compound_interest: (r) => {
    const principal = r.pick([1000, 2500, 5000, 10000, 20000]);
    const annual_rate = r.pick([2, 3.5, 4, 5, 6.5]);
    const years = r.int(2, 30);
    if (r.chance(0.4)) {
      const [k, word] = r.pick([[1, 'yearly'], [4, 'quarterly'], [12, 'monthly'], [365, 'daily']] as const);
      return say(r, [`If I invest ${principal} at ${annual_rate}% compounded ${word}, what do I have after ${years} years?`], { principal, annual_rate, years, compounds_per_year: k });
    }
    return say(r, [`How much will ${principal} grow to in ${years} years at ${annual_rate}% interest?`, `Compound interest on ${principal} at ${annual_rate} percent for ${years} years.`], { principal, annual_rate, years });
  },
  calculate_tip: (r) => {
    const bill_amount = amount(r, 12, 300, true);
    const tip_percent = r.pick([10, 12, 15, 18, 20, 25]);
    if (r.chance(0.45)) {
      const split = r.int(2, 6);
      return say(r, [`Our bill is ${bill_amount}. With a ${tip_percent}% tip, how much does each of the ${split} of us pay?`, `Split a ${bill_amount} bill ${split} ways with ${tip_percent}% tip.`], { bill_amount, tip_percent, split });
    }
    return say(r, [`What's a ${tip_percent}% tip on ${bill_amount}?`, `Calculate the tip for a ${bill_amount} bill at ${tip_percent} percent.`], { bill_amount, tip_percent });
  },
  get_account_balance: (r) => {
    const id = `ACC-${r.int(1000, 9999)}`;
    return say(r, [`What's the balance of account ${id}?`, `How much money is in ${id}?`, `Check my balance on account ${id}.`], { account_id: id });
  },
  // math
  'math.factorial': (r) => {
    const n = r.int(0, 20);
    return say(r, [`What is ${n} factorial?`, `Compute the factorial of ${n}.`, `Calculate ${n}!`], { number: n });
  },
  'math.gcd': (r) => {
    const g = r.int(2, 12);
    const a = g * r.int(2, 30);
    const b = g * r.int(2, 30);
    return say(r, [`What's the greatest common divisor of ${a} and ${b}?`, `Find the GCD of ${a} and ${b}.`], { a, b });
  },
  'math.lcm': (r) => {
    const a = r.int(2, 40);
    const b = r.int(2, 40);
    return say(r, [`What's the least common multiple of ${a} and ${b}?`, `Find the LCM of ${a} and ${b}.`], { a, b });
  },
  is_prime: (r) => {
    const n = r.int(2, 10000);
    return say(r, [`Is ${n} a prime number?`, `Check whether ${n} is prime.`, `Tell me if ${n} is prime.`], { number: n });
  },
  fibonacci: (r) => {
    const n = r.int(1, 60);
    return say(r, [`What is the ${n}th Fibonacci number?`, `Give me Fibonacci number ${n}.`, `Compute fibonacci of ${n}.`], { n });
  },
  solve_quadratic: (r) => {
    const a = r.pick([1, 1, 2, 3, -1]);
    const b = r.int(-9, 9);
    const c = r.int(-12, 12);
    const sign = (x: number) => (x < 0 ? `- ${-x}` : `+ ${x}`);
    return say(r, [`Solve ${a}x^2 ${sign(b)}x ${sign(c)} = 0.`, `Find the roots of a quadratic with a=${a}, b=${b}, c=${c}.`], { a, b, c });
  },
  calculate_statistics: (r) => {
    const numbers = Array.from({ length: r.int(3, 7) }, () => r.int(1, 99));
    const measure = r.pick(['mean', 'median', 'mode', 'stdev', 'range']);
    const word = { mean: 'average', median: 'median', mode: 'mode', stdev: 'standard deviation', range: 'range' }[measure];
    return say(r, [`What's the ${word} of ${numbers.join(', ')}?`, `Compute the ${word} of these numbers: ${numbers.join(', ')}.`], { numbers, measure });
  },
  calculate_percentage: (r) => {
    const whole = r.pick([40, 80, 120, 200, 250, 500, 1200]);
    const part = r.int(1, whole);
    return say(r, [`What percent of ${whole} is ${part}?`, `${part} out of ${whole} is what percentage?`, `Express ${part} as a percentage of ${whole}.`], { part, whole });
  },
  // units
  convert_length: conv([['mm', 'millimeters'], ['cm', 'centimeters'], ['m', 'meters'], ['km', 'kilometers'], ['in', 'inches'], ['ft', 'feet'], ['yd', 'yards'], ['mi', 'miles']], 1, 500, 'length'),
  convert_weight: conv([['g', 'grams'], ['kg', 'kilograms'], ['oz', 'ounces'], ['lb', 'pounds'], ['st', 'stone']], 1, 300, 'weight'),
  convert_temperature: (r) => {
    const [a, b] = r.sample([['celsius', 'Celsius'], ['fahrenheit', 'Fahrenheit'], ['kelvin', 'Kelvin']] as [string, string][], 2) as [[string, string], [string, string]];
    const value = a[0] === 'kelvin' ? r.int(250, 320) : r.int(-10, 100);
    return say(r, [`Convert ${value} degrees ${a[1]} to ${b[1]}.`, `What is ${value} ${a[1]} in ${b[1]}?`, `How much is ${value} ${a[1]} in ${b[1]}?`], { value, from_unit: a[0], to_unit: b[0] });
  },
  convert_volume: conv([['ml', 'milliliters'], ['l', 'liters'], ['tsp', 'teaspoons'], ['tbsp', 'tablespoons'], ['cup', 'cups'], ['gal', 'gallons']], 1, 50, 'volume'),
  convert_speed: conv([['m/s', 'meters per second'], ['km/h', 'km/h'], ['mph', 'mph'], ['knots', 'knots']], 5, 200, 'speed'),
  convert_data_size: (r) => {
    const [a, b] = r.sample(['B', 'KB', 'MB', 'GB', 'TB'], 2) as [string, string];
    const value = r.pick([1, 2, 4, 8, 16, 64, 256, 512, 1024, 1500]);
    return say(r, [`How many ${b} is ${value} ${a}?`, `Convert ${value} ${a} to ${b}.`], { value, from_unit: a, to_unit: b });
  },
  // text
  count_words: (r) => {
    const text = r.pick(PHRASES);
    return say(r, [`How many words are in "${text}"?`, `Count the words in: ${text}`], { text });
  },
  count_characters: (r) => {
    const text = r.pick(PHRASES);
    if (r.chance(0.4)) return say(r, [`How many characters are in "${text}", not counting spaces?`, `Count the letters in "${text}" without spaces.`], { text, include_spaces: false });
    return say(r, [`How many characters long is "${text}"?`, `Count the characters in "${text}".`], { text });
  },
  reverse_text: (r) => {
    const text = r.pick([...PHRASES, ...WORDS]);
    return say(r, [`Reverse the text "${text}".`, `Write "${text}" backwards.`], { text });
  },
  change_case: (r) => {
    const text = r.pick(PHRASES);
    const c = r.pick(['upper', 'lower', 'title']);
    const word = { upper: 'uppercase', lower: 'lowercase', title: 'title case' }[c];
    return say(r, [`Convert "${text}" to ${word}.`, `Make "${text}" ${word}.`], { text, case: c });
  },
  find_replace: (r) => {
    const [text, find, replace] = r.pick([
      ['the cat sat on the mat', 'cat', 'dog'],
      ['meet me at noon', 'noon', 'five'],
      ['red apples and red grapes', 'red', 'green'],
      ['hello world', 'world', 'there'],
      ['version 1 of the plan', '1', '2'],
      ['I like tea', 'tea', 'coffee'],
    ] as const);
    return say(r, [`In "${text}", replace "${find}" with "${replace}".`, `Replace every "${find}" with "${replace}" in the text "${text}".`], { text, find, replace });
  },
  is_palindrome: (r) => {
    const text = r.pick(WORDS);
    return say(r, [`Is "${text}" a palindrome?`, `Check if "${text}" reads the same backwards.`], { text });
  },
  make_slug: (r) => {
    const text = r.pick(TITLES);
    return say(r, [`Make a URL slug from "${text}".`, `Turn the title "${text}" into a slug.`], { text });
  },
  // datetime
  add_days: (r) => {
    const d = date(r);
    const days = r.pick([3, 7, 10, 14, 30, 45, 90, 100, -7, -30]);
    if (days < 0) return say(r, [`What date was ${-days} days before ${d.say}?`, `Subtract ${-days} days from ${d.say}.`], { date: d.iso, days });
    return say(r, [`What date is ${days} days after ${d.say}?`, `Add ${days} days to ${d.say}.`], { date: d.iso, days });
  },
  days_between: (r) => {
    const a = date(r);
    const b = dateAfter(r, a, r.int(1, 400));
    return say(r, [`How many days are there between ${a.say} and ${b.say}?`, `Count the days from ${a.say} to ${b.say}.`], { start_date: a.iso, end_date: b.iso });
  },
  get_weekday: (r) => {
    const d = date(r);
    return say(r, [`What day of the week is ${d.say}?`, `Which weekday falls on ${d.say}?`], { date: d.iso });
  },
  convert_timezone: (r) => {
    const [a, b] = r.sample(TZ, 2) as [string, string];
    const t = time(r, 0, 23);
    return say(r, [`If it's ${t.say} in ${a}, what time is it in ${b}?`, `Convert ${t.say} ${a} time to ${b} time.`], { time: t.hhmm, from_tz: a, to_tz: b });
  },
  is_leap_year: (r) => {
    const year = r.pick([1900, 2000, 2023, 2024, 2028, 2100, 1996, 2026, 2400, 1988]);
    return say(r, [`Is ${year} a leap year?`, `Was ${year} a leap year?`, `Check whether ${year} is a leap year.`], { year });
  },
  calculate_age: (r) => {
    const birth = date(r, [1950, 1962, 1975, 1988, 1990, 2001, 2010]);
    const on = date(r);
    return say(r, [`How old is someone born on ${birth.say} on ${on.say}?`, `Calculate the age on ${on.say} of a person born ${birth.say}.`], { birth_date: birth.iso, on_date: on.iso });
  },
  // files
  list_directory: (r) => {
    const path = r.pick([...FOLDERS, '/']);
    return say(r, [`What's in the ${path} folder?`, `List the files in ${path}.`, `Show me the contents of ${path}.`], { path });
  },
  read_file: (r) => {
    const path = r.pick(FILES);
    return say(r, [`Open ${path} and show me what it says.`, `Read the file ${path}.`, `What's inside ${path}?`], { path });
  },
  write_file: (r) => {
    const [path, content] = r.pick([
      ['/docs/ideas.txt', 'build a birdhouse'],
      ['/work/todo.txt', 'send the invoice'],
      ['/docs/shopping.txt', 'milk, eggs, bread'],
      ['/recipes/salad.txt', 'lettuce, tomato, feta'],
      ['/archive/log.txt', 'backup done'],
      ['/work/status.md', 'all tests pass'],
    ] as const);
    return say(r, [`Write "${content}" to ${path}.`, `Save the text "${content}" in ${path}.`, `Create ${path} containing "${content}".`], { path, content });
  },
  delete_file: (r) => {
    const path = r.pick(MOVABLE);
    return say(r, [`Delete ${path}.`, `Remove the file ${path}.`, `Please get rid of ${path}.`], { path });
  },
  move_file: (r) => {
    const source = r.pick(MOVABLE);
    const name = source.slice(source.lastIndexOf('/') + 1);
    const folder = r.pick(FOLDERS.filter((f) => !source.startsWith(`${f}/`)));
    const destination = `${folder}/${name}`;
    return say(r, [`Move ${source} to ${destination}.`, `Put ${source} into ${folder}, as ${destination}.`], { source, destination });
  },
  search_files: (r) => {
    const pattern = r.pick(PATTERNS);
    if (r.chance(0.4)) {
      const directory = r.pick(FOLDERS);
      return say(r, [`Search ${directory} for files with "${pattern}" in the name.`, `Find files named like "${pattern}" inside ${directory}.`], { pattern, directory });
    }
    return say(r, [`Find all files with "${pattern}" in their name.`, `Search my files for "${pattern}".`], { pattern });
  },
  // messaging
  send_email: (r) => {
    const to = email(r);
    const [subject, body] = r.pick([
      ['Lunch', 'Are you free for lunch on Friday?'],
      ['Report', 'The report is attached.'],
      ['Thanks', 'Thanks for your help today.'],
      ['Meeting', 'Can we move our meeting to 4?'],
      ['Invoice', 'Please find the invoice below.'],
    ] as const);
    return say(r, [`Email ${to.address} with subject "${subject}" saying "${body}"`, `Send an email to ${to.address}, subject ${subject}, body: ${body}`], { to: to.address, subject, body });
  },
  send_sms: (r) => {
    const phone = r.pick(PHONES);
    const message = r.pick(NOTES);
    return say(r, [`Text ${phone}: "${message}".`, `Send an SMS to ${phone} saying ${message}.`], { phone_number: phone, message });
  },
  post_to_channel: (r) => {
    const channel = r.pick(CHANNELS);
    const message = r.pick(NOTES);
    return say(r, [`Post "${message}" in the ${channel} channel.`, `Tell the #${channel} channel that ${message}.`], { channel, message });
  },
  read_inbox: (r) => {
    const k = r.int(0, 3);
    if (k === 0) return say(r, [`Show my latest emails.`, `What's in my inbox?`, `Read my email.`], {});
    if (k === 1) return say(r, [`Show me only my unread emails.`, `Any unread mail?`], { unread_only: true });
    if (k === 2) {
      const limit = r.pick([3, 5, 20]);
      return say(r, [`Show my last ${limit} emails.`, `Read the ${limit} most recent messages in my inbox.`], { limit });
    }
    const folder = r.pick(['sent', 'archive', 'spam']);
    return say(r, [`What's in my ${folder} folder?`, `Show the emails in ${folder}.`], { folder });
  },
  schedule_message: (r) => {
    const phone = r.pick(PHONES);
    const message = r.pick(NOTES);
    const d = date(r);
    const t = time(r);
    return say(r, [`Text ${phone} "${message}" on ${d.iso} at ${t.hhmm}.`, `Schedule an SMS to ${phone} for ${d.iso} ${t.hhmm}: ${message}.`], { phone_number: phone, message, send_at: `${d.iso} ${t.hhmm}` });
  },
  create_contact: (r) => {
    const name = `${r.pick(PEOPLE)} ${r.pick(SURNAMES)}`;
    const k = r.int(0, 2);
    if (k === 0) {
      const phone = r.pick(PHONES);
      return say(r, [`Add ${name} to my contacts with phone ${phone}.`, `Save ${name}, number ${phone}, as a new contact.`], { name, phone_number: phone });
    }
    const mail = `${name.split(' ')[0]!.toLowerCase()}@example.com`;
    if (k === 1) return say(r, [`Save a new contact: ${name}, email ${mail}.`, `Create a contact for ${name} with email ${mail}.`], { name, email: mail });
    return say(r, [`Add ${name} to my address book.`, `Create a new contact named ${name}.`], { name });
  },
  // shopping
  search_products: (r) => {
    const query = r.pick(PRODUCTS);
    const k = r.int(0, 2);
    if (k === 1) {
      const max_price = r.pick([20, 50, 80, 100, 150, 300]);
      return say(r, [`Find ${query} under ${max_price} dollars.`, `Search for ${query} that cost at most ${max_price}.`], { query, max_price });
    }
    if (k === 2) {
      const [category, word] = r.pick(PRODUCT_CATS);
      return say(r, [`Search the ${word} section for ${query}.`, `Look for ${query} in ${word}.`], { query, category });
    }
    return say(r, [`Search the shop for ${query}.`, `I'm looking for ${query}.`, `Find ${query} for me.`], { query });
  },
  add_to_cart: (r) => {
    const id = `P-${r.int(1000, 9999)}`;
    if (r.chance(0.5)) {
      const quantity = r.int(2, 6);
      return say(r, [`Add ${quantity} of product ${id} to my cart.`, `Put ${quantity} units of ${id} in the cart.`], { product_id: id, quantity });
    }
    return say(r, [`Add product ${id} to my cart.`, `Put ${id} in my basket.`], { product_id: id });
  },
  track_order: (r) => {
    const id = `ORD-${r.int(10000, 99999)}`;
    return say(r, [`Where is my order ${id}?`, `Track order ${id}.`, `Has ${id} shipped yet?`], { order_id: id });
  },
  apply_coupon: (r) => {
    const code = r.pick(['SAVE10', 'WELCOME5', 'SPRING20', 'FREESHIP', 'VIP30', 'BLACKFRIDAY']);
    return say(r, [`Apply the coupon ${code}.`, `Use discount code ${code} on my cart.`], { code });
  },
  compare_prices: (r) => {
    const product_name = r.pick(['iPhone 15', 'Kindle Paperwhite', 'Nintendo Switch', 'AirPods Pro', 'Dyson V8', 'Lego Millennium Falcon', 'Instant Pot']);
    return say(r, [`Compare prices for the ${product_name}.`, `Where is the ${product_name} cheapest?`], { product_name });
  },
  calculate_discount: (r) => {
    const price = amount(r, 10, 900, true);
    const discount_percent = r.pick([5, 10, 15, 20, 25, 30, 40, 50]);
    return say(r, [`What's the price of a ${price} item after a ${discount_percent}% discount?`, `How much is ${price} with ${discount_percent} percent off?`], { price, discount_percent });
  },
  // travel
  search_flights: (r) => {
    const [origin, destination] = r.sample(CITIES, 2) as [string, string];
    const d = date(r);
    const args: Record<string, string | number> = { origin, destination, date: d.iso };
    let extra = '';
    if (r.chance(0.35)) {
      args.passengers = r.int(2, 5);
      extra += ` for ${args.passengers} people`;
    }
    if (r.chance(0.3)) {
      args.cabin = r.pick(['premium', 'business', 'first']);
      extra += ` in ${args.cabin} class`;
    }
    return say(r, [`Find flights from ${origin} to ${destination} on ${d.say}${extra}.`, `Search for a flight ${origin} to ${destination} on ${d.say}${extra}.`], args);
  },
  find_hotels: (r) => {
    const city = r.pick(CITIES);
    const d = date(r);
    const nights = r.int(1, 7);
    if (r.chance(0.35)) {
      const max_price = r.pick([80, 120, 150, 200]);
      return say(r, [`Find a hotel in ${city} from ${d.say} for ${nights} nights under ${max_price} a night.`], { city, check_in: d.iso, nights, max_price });
    }
    return say(r, [`Find hotels in ${city} checking in ${d.say} for ${nights} nights.`, `I need a hotel in ${city}, ${nights} nights from ${d.say}.`], { city, check_in: d.iso, nights });
  },
  rent_car: (r) => {
    const city = r.pick(CITIES);
    const a = date(r);
    const b = dateAfter(r, a, r.int(1, 14));
    if (r.chance(0.4)) {
      const car_type = r.pick(['sedan', 'suv', 'van']);
      return say(r, [`Rent a ${car_type} in ${city} from ${a.say} to ${b.say}.`], { city, pickup_date: a.iso, return_date: b.iso, car_type });
    }
    return say(r, [`I need a rental car in ${city} from ${a.say} until ${b.say}.`, `Book a car in ${city}, pick up ${a.say}, return ${b.say}.`], { city, pickup_date: a.iso, return_date: b.iso });
  },
  get_flight_status: (r) => {
    const f = r.pick(FLIGHTS);
    return say(r, [`Is flight ${f} on time?`, `What's the status of ${f}?`, `Has flight ${f} landed yet?`], { flight_number: f });
  },
  check_visa_requirement: (r) => {
    const nationality = r.pick(NATIONALITIES);
    const destination_country = r.pick(COUNTRIES);
    return say(r, [`Do citizens of ${nationality} need a visa for ${destination_country}?`, `I have a passport from ${nationality}. Do I need a visa to visit ${destination_country}?`], { nationality, destination_country });
  },
  get_travel_advisory: (r) => {
    const country = r.pick(COUNTRIES);
    return say(r, [`Is it safe to travel to ${country} right now?`, `What's the travel advisory for ${country}?`], { country });
  },
  // devices
  set_thermostat: (r) => {
    const temperature = r.pick([18, 19, 20, 21, 22, 23, 24, 20.5, 21.5]);
    if (r.chance(0.4)) {
      const room = r.pick(ROOMS);
      return say(r, [`Set the ${room} thermostat to ${temperature} degrees.`, `Make the ${room} ${temperature} degrees celsius.`], { temperature, room });
    }
    return say(r, [`Set the thermostat to ${temperature} degrees.`, `Change the heating to ${temperature} celsius.`], { temperature });
  },
  toggle_light: (r) => {
    const room = r.pick(ROOMS);
    const state = r.pick(['on', 'off']);
    return say(r, [`Turn ${state} the lights in the ${room}.`, `Switch the ${room} lights ${state}.`], { room, state });
  },
  set_light_brightness: (r) => {
    const room = r.pick(ROOMS);
    const level = r.pick([10, 25, 40, 50, 60, 75, 80, 100]);
    return say(r, [`Dim the ${room} lights to ${level}%.`, `Set the brightness in the ${room} to ${level} percent.`], { room, level });
  },
  lock_door: (r) => {
    const door = r.pick(['front', 'back', 'garage']);
    if (r.chance(0.35)) return say(r, [`Unlock the ${door} door.`, `Please open the lock on the ${door} door.`], { door, locked: false });
    return say(r, [`Lock the ${door} door.`, `Make sure the ${door} door is locked.`], { door });
  },
  play_music: (r) => {
    const query = r.pick(SONGS);
    const k = r.int(0, 2);
    if (k === 1) {
      const room = r.pick(ROOMS);
      return say(r, [`Play ${query} in the ${room}.`, `Put on ${query} on the ${room} speaker.`], { query, room });
    }
    if (k === 2) {
      const volume = r.pick([20, 30, 50, 70]);
      return say(r, [`Play ${query} at volume ${volume}.`], { query, volume });
    }
    return say(r, [`Play ${query}.`, `Put on some ${query}.`], { query });
  },
  set_alarm: (r) => {
    const t = time(r, 5, 11);
    if (r.chance(0.4)) {
      const label = r.pick(['gym', 'flight', 'work', 'meds']);
      return say(r, [`Set an alarm for ${t.say} labelled ${label}.`, `Wake me at ${t.say}, call it "${label}".`], { time: t.hhmm, label });
    }
    return say(r, [`Set an alarm for ${t.say}.`, `Wake me up at ${t.say}.`], { time: t.hhmm });
  },
};

/**
 * Requests no tool of the pool serves (for the irrelevance category, together with near-miss requests from
 * other domains).
 */
export const OUT_OF_SCOPE = [
  'Write a short poem about the sea.',
  'Tell me a joke about penguins.',
  'Who painted the Mona Lisa?',
  'What is the capital of Australia?',
  'Summarise the plot of Hamlet.',
  'Translate "good morning" into Italian.',
  'Recommend a good science fiction novel.',
  'Explain how photosynthesis works.',
  'What is the meaning of life?',
  'Help me write a cover letter.',
  'Who won the football World Cup in 2010?',
  'Give me a recipe for banana bread.',
  'How do I tie a bowline knot?',
  'Write a haiku about autumn.',
  'What does DNA stand for?',
  'Suggest a name for my new puppy.',
];
