/**
 * Request templates for the tools of the unseen-tool evaluation set (`unseen-tools.json`). These tools never
 * appear in the built-in pool or the seed data: the set measures generalisation to new tools. Written by us.
 */
import { amount, CITIES, date, say, time, type IntentGen } from '../../src/main/engine/pool/intent-kit';

const INGREDIENTS = ['chickpeas', 'salmon', 'mushrooms', 'lentils', 'chicken', 'tofu', 'spinach', 'sweet potato', 'eggplant', 'rice'];
const RECIPES = ['lasagna', 'pancakes', 'chili', 'banana bread', 'pad thai', 'minestrone', 'apple pie', 'guacamole'];
const TEAMS = ['Arsenal', 'Barcelona', 'Celtic', 'Juventus', 'Ajax', 'Porto', 'Napoli', 'Benfica', 'Lyon', 'Everton'];
const LEAGUES = ['Premier League', 'La Liga', 'Serie A', 'Bundesliga', 'Eredivisie', 'Ligue 1'];
const BOOKS: [string, string][] = [['Dune', 'Frank Herbert'], ['Emma', 'Jane Austen'], ['Beloved', 'Toni Morrison'], ['The Hobbit', 'J. R. R. Tolkien'], ['Middlemarch', 'George Eliot'], ['Kindred', 'Octavia Butler'], ['Ulysses', 'James Joyce']];
const PETS = ['Rex', 'Luna', 'Milo', 'Bella', 'Pepper', 'Oscar', 'Coco'];
const PLANTS = ['basil', 'tomatoes', 'orchids', 'lavender', 'ferns', 'roses', 'succulents', 'mint'];
const MEDICINES = ['ibuprofen', 'paracetamol', 'amoxicillin', 'loratadine', 'omeprazole', 'cetirizine'];
const WORDS = ['serendipity', 'ephemeral', 'ubiquitous', 'resilience', 'gregarious', 'meticulous'];
const TOPICS = ['French verbs', 'world capitals', 'the periodic table', 'US presidents', 'photosynthesis', 'Spanish greetings'];

export const UNSEEN_INTENTS: Record<string, IntentGen> = {
  find_recipe: (r) => {
    const ingredient = r.pick(INGREDIENTS);
    const k = r.int(0, 2);
    if (k === 1) {
      const [diet, word] = r.pick([['vegan', 'vegan'], ['vegetarian', 'vegetarian'], ['gluten_free', 'gluten-free']] as const);
      return say(r, [`Find a ${word} recipe with ${ingredient}.`, `Any ${word} dishes using ${ingredient}?`], { ingredient, diet });
    }
    if (k === 2) {
      const max_minutes = r.pick([15, 20, 30, 45]);
      return say(r, [`Give me a recipe with ${ingredient} that takes under ${max_minutes} minutes.`], { ingredient, max_minutes });
    }
    return say(r, [`What can I cook with ${ingredient}?`, `Find a recipe using ${ingredient}.`], { ingredient });
  },
  scale_recipe: (r) => {
    const recipe_name = r.pick(RECIPES);
    const servings = r.int(2, 12);
    return say(r, [`Scale the ${recipe_name} recipe to ${servings} servings.`, `I need ${recipe_name} for ${servings} people. Adjust the recipe.`], { recipe_name, servings });
  },
  cooking_timer: (r) => {
    const minutes = r.pick([3, 5, 8, 10, 12, 20, 25, 40]);
    if (r.chance(0.4)) {
      const label = r.pick(['pasta', 'eggs', 'rice', 'cookies']);
      return say(r, [`Set a ${minutes} minute kitchen timer for the ${label}.`], { minutes, label });
    }
    return say(r, [`Start a ${minutes}-minute timer.`, `Time ${minutes} minutes for me.`], { minutes });
  },
  log_workout: (r) => {
    const activity = r.pick(['running', 'cycling', 'swimming', 'yoga', 'rowing']);
    const minutes = r.pick([20, 30, 45, 60, 90]);
    const d = date(r);
    return say(r, [`Log ${minutes} minutes of ${activity} on ${d.say}.`, `Record a ${activity} workout, ${minutes} minutes, on ${d.say}.`], { activity, minutes, date: d.iso });
  },
  body_mass_index: (r) => {
    const weight_kg = r.int(45, 110);
    const height_m = r.pick([1.55, 1.6, 1.68, 1.72, 1.75, 1.8, 1.85, 1.92]);
    return say(r, [`What's the BMI for ${weight_kg} kg and ${height_m} m?`, `I weigh ${weight_kg} kg and I'm ${height_m} meters tall. What's my BMI?`], { weight_kg, height_m });
  },
  estimate_calories_burned: (r) => {
    const activity = r.pick(['running', 'cycling', 'swimming', 'walking']);
    const minutes = r.pick([20, 30, 45, 60]);
    const weight_kg = r.int(50, 100);
    return say(r, [`How many calories do I burn ${activity} for ${minutes} minutes at ${weight_kg} kg?`, `Estimate calories for ${minutes} minutes of ${activity}; I weigh ${weight_kg} kg.`], { activity, minutes, weight_kg });
  },
  moon_phase: (r) => {
    const d = date(r);
    return say(r, [`What phase is the moon on ${d.say}?`, `Will there be a full moon on ${d.say}?`], { date: d.iso });
  },
  planet_visibility: (r) => {
    const planet = r.pick(['Mercury', 'Venus', 'Mars', 'Jupiter', 'Saturn']);
    const city = r.pick(CITIES);
    return say(r, [`Can I see ${planet} from ${city} tonight?`, `When is ${planet} visible in ${city} tonight?`], { planet, city });
  },
  next_meteor_shower: (r) => {
    const d = date(r);
    return say(r, [`When is the next meteor shower after ${d.say}?`, `Which meteor shower comes after ${d.say}?`], { after_date: d.iso });
  },
  match_score: (r) => {
    const [home_team, away_team] = r.sample(TEAMS, 2) as [string, string];
    return say(r, [`What was the score of ${home_team} vs ${away_team}?`, `How did ${home_team} do at home against ${away_team}?`], { home_team, away_team });
  },
  league_table: (r) => {
    const league = r.pick(LEAGUES);
    if (r.chance(0.4)) {
      const season = r.pick(['2023-24', '2024-25', '2025-26']);
      return say(r, [`Show the ${league} table for ${season}.`, `${league} standings in the ${season} season?`], { league, season });
    }
    return say(r, [`Show me the ${league} standings.`, `Who is top of the ${league}?`], { league });
  },
  team_fixtures: (r) => {
    const team = r.pick(TEAMS);
    if (r.chance(0.5)) {
      const count = r.int(2, 8);
      return say(r, [`List the next ${count} games of ${team}.`, `When are ${team}'s next ${count} matches?`], { team, count });
    }
    return say(r, [`When does ${team} play next?`, `Show ${team}'s upcoming fixtures.`], { team });
  },
  search_catalog: (r) => {
    const [title, author] = r.pick(BOOKS);
    if (r.chance(0.5)) return say(r, [`Does the library have ${title} by ${author}?`, `Search the catalog for ${title} by ${author}.`], { title, author });
    return say(r, [`Is ${title} in the library catalog?`, `Look up the book ${title}.`], { title });
  },
  renew_loan: (r) => {
    const loan_id = `LN-${r.int(1000, 9999)}`;
    if (r.chance(0.4)) {
      const weeks = r.int(1, 4);
      return say(r, [`Renew loan ${loan_id} for ${weeks} more weeks.`], { loan_id, weeks });
    }
    return say(r, [`Renew my library loan ${loan_id}.`, `Extend the loan ${loan_id}.`], { loan_id });
  },
  reserve_book: (r) => {
    const isbn = `978-${r.int(0, 9)}-${r.int(100, 999)}-${r.int(10000, 99999)}-${r.int(0, 9)}`;
    if (r.chance(0.4)) {
      const branch = r.pick(['Central', 'Northside', 'Harbour', 'Old Town']);
      return say(r, [`Reserve ISBN ${isbn} for pickup at the ${branch} branch.`], { isbn, branch });
    }
    return say(r, [`Reserve the book with ISBN ${isbn}.`, `Put a hold on ISBN ${isbn}.`], { isbn });
  },
  find_veterinarian: (r) => {
    const location = r.pick(CITIES);
    if (r.chance(0.4)) return say(r, [`Find an emergency vet open now in ${location}.`, `I need a 24 hour emergency vet in ${location}.`], { location, emergency: true });
    return say(r, [`Find a vet in ${location}.`, `Are there veterinarians near ${location}?`], { location });
  },
  pet_food_portion: (r) => {
    const species = r.pick(['dog', 'cat', 'rabbit']);
    const weight_kg = amount(r, 2, 40, true);
    return say(r, [`How much should my ${weight_kg} kg ${species} eat per day?`, `Daily food portion for a ${species} weighing ${weight_kg} kg?`], { species, weight_kg });
  },
  book_grooming: (r) => {
    const pet_name = r.pick(PETS);
    const d = date(r);
    return say(r, [`Book a grooming appointment for ${pet_name} on ${d.say}.`, `Schedule ${pet_name}'s grooming for ${d.say}.`], { pet_name, date: d.iso });
  },
  plant_care_guide: (r) => {
    const plant = r.pick(PLANTS);
    return say(r, [`How do I take care of ${plant}?`, `Give me a care guide for ${plant}.`], { plant });
  },
  watering_schedule: (r) => {
    const plant = r.pick(PLANTS);
    const climate = r.pick(['dry', 'temperate', 'humid']);
    return say(r, [`How often should I water ${plant} in a ${climate} climate?`, `Make a watering schedule for ${plant}; the climate here is ${climate}.`], { plant, climate });
  },
  frost_dates: (r) => {
    const city = r.pick(CITIES);
    return say(r, [`When is the last frost in ${city}?`, `What are the frost dates for ${city}?`], { city });
  },
  book_doctor_appointment: (r) => {
    const [specialty, word] = r.pick([['general', 'a GP'], ['dentist', 'the dentist'], ['dermatology', 'a dermatologist'], ['cardiology', 'a cardiologist'], ['eye', 'an eye doctor']] as const);
    const d = date(r);
    if (r.chance(0.4)) {
      const t = time(r, 8, 17);
      return say(r, [`Book ${word} on ${d.say} at ${t.say}.`], { specialty, date: d.iso, time: t.hhmm });
    }
    return say(r, [`Make an appointment with ${word} on ${d.say}.`, `I need to see ${word} on ${d.say}.`], { specialty, date: d.iso });
  },
  medication_info: (r) => {
    const name = r.pick(MEDICINES);
    return say(r, [`What is ${name} used for?`, `Tell me about the medicine ${name}.`], { name });
  },
  water_intake_goal: (r) => {
    const weight_kg = r.int(45, 110);
    if (r.chance(0.4)) {
      const active_minutes = r.pick([20, 30, 45, 60]);
      return say(r, [`How much water should I drink daily? I weigh ${weight_kg} kg and exercise ${active_minutes} minutes a day.`], { weight_kg, active_minutes });
    }
    return say(r, [`How much water should a ${weight_kg} kg person drink per day?`], { weight_kg });
  },
  grade_average: (r) => {
    const grades = Array.from({ length: r.int(3, 6) }, () => r.int(55, 100));
    return say(r, [`Average these grades: ${grades.join(', ')}.`, `What's my grade average with ${grades.join(', ')}?`], { grades });
  },
  define_word: (r) => {
    const word = r.pick(WORDS);
    if (r.chance(0.3)) {
      const language = r.pick(['spanish', 'french', 'german']);
      return say(r, [`Define "${word}" using the ${language} dictionary.`], { word, language });
    }
    return say(r, [`What does "${word}" mean?`, `Define the word ${word}.`], { word });
  },
  flashcard_quiz: (r) => {
    const topic = r.pick(TOPICS);
    if (r.chance(0.5)) {
      const cards = r.pick([5, 15, 20]);
      return say(r, [`Quiz me on ${topic} with ${cards} flashcards.`], { topic, cards });
    }
    return say(r, [`Start a flashcard quiz on ${topic}.`, `Test me on ${topic}.`], { topic });
  },
};

export const UNSEEN_DOMAIN_GROUPS = [['cooking', 'gardening', 'pets'], ['fitness', 'health'], ['astronomy', 'sports'], ['library', 'education']];

export const UNSEEN_OUT_OF_SCOPE = [
  'Write a limerick about a cat.',
  'What is the tallest mountain in Africa?',
  'Explain the rules of chess.',
  'Who wrote the Odyssey?',
  'Compose a birthday message for my aunt.',
  'Why is the sky blue?',
  'How many bones are in the human hand?',
  'Describe the water cycle.',
];
