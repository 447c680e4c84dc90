/** The settings of a self-evolution run live in the contract (the UI's form validates against them). */
export { EvolveSettings, type EvolveSettingsInput } from '../../../shared/contract/evolution';
