export { loadBuiltinPool, builtinToolMap, builtinDomains, implementationFor, implementedNames, type BuiltinTool } from './builtin-pool';
export { installBuiltinPool, BUILTIN_POOL, type InstallResult } from './install';
export { loadSeedSamples, seedSampleTools, SEED_CATEGORIES, REFUSAL, POOL_DOMAIN_GROUPS, type SeedSample, type SeedCategory } from './seed';
export {
  builtinEvalSetFiles,
  loadUnseenTools,
  groundTruthOf,
  INDOMAIN_SET,
  UNSEEN_SET,
  writeBuiltinEvalFiles,
  builtinEvalFileContents,
  type BuiltinEvalSetFiles,
  type UnseenTool,
} from './eval-sets';
export { resourcesDir } from '../lib/resources-dir';
export { installSeedSamples, installBuiltinEvalSets, type SeedInstallResult } from './install-data';
export { ensureBuiltinData, installBuiltinData, builtinDataStatus, type BuiltinDataInstall, type BuiltinDataStatus } from './builtin-data';
