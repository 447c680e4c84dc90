/**
 * Every job kind this app knows, loaded for their `defineJobKind` side effect. Add one import line per
 * module that defines kinds (evolution rounds, training, evaluation, imports). Loaded by the jobs
 * handlers, so every engine (app, server, CLI) knows them all. Keep kind modules cheap to load: import
 * heavy runtimes (node-llama-cpp, trainers) inside a step's `run`, not at the top.
 */
import './kinds/demo';
import './kinds/model-eval';
import '../evolution/job';
import '../train/setup-job';
