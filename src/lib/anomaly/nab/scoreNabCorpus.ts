import type { NabFileScore } from './nabFileScore';
import { nabProfileNames, nabProfiles, type NabProfileName } from './nabProfiles';
import type { NabWindow } from './nabWindow';
import { normalizedNabScore } from './normalizedNabScore';
import { optimizeThreshold } from './optimizeThreshold';
import { scoreFileAtThreshold } from './scoreFileAtThreshold';

/** One file of a corpus scored by a detector. */
export interface NabCorpusFile {
  /** `<folder>/<file>.csv`; the folder is the file's category. */
  readonly name: string;
  /** The detector's anomaly score per row, in [0, 1]. */
  readonly anomalyScores: ArrayLike<number>;
  /** The file's windows as row ranges. */
  readonly windows: readonly NabWindow[];
}

/** The scores of a group of files (a category, or the whole corpus) under one profile. */
export interface NabGroupScore {
  /** The category, or `all`. */
  readonly group: string;
  readonly fileCount: number;
  readonly windowCount: number;
  /** The sum of the files' raw scores. */
  readonly rawScore: number;
  /** The normalised score (null detector 0, perfect 100), or null for a group without windows. */
  readonly normalizedScore: number | null;
}

/** A corpus scored under one profile. */
export interface NabProfileScore {
  readonly profile: NabProfileName;
  /** The threshold NAB's optimiser picks for the whole corpus. */
  readonly threshold: number;
  /** Every file at that threshold, in corpus order. */
  readonly files: readonly (NabFileScore & { readonly name: string })[];
  /** Per category (in order of first appearance), at the corpus threshold. */
  readonly categories: readonly NabGroupScore[];
  /** The whole corpus. */
  readonly total: NabGroupScore;
}

/** The category of a NAB file name (`realTraffic/speed_7578.csv` → `realTraffic`). */
export function nabCategoryOf(name: string): string {
  const slash = name.indexOf('/');
  return slash < 0 ? '' : name.slice(0, slash);
}

/**
 * Groups per-file raw scores by category and in total, and normalises each group by its windows.
 *
 * @param files - per-file raw scores with the file's name and window count
 * @param profile - the profile they were scored under
 */
export function groupNabScores(
  files: readonly { readonly name: string; readonly score: number; readonly windowCount: number }[],
  profile: NabProfileName,
): { categories: NabGroupScore[]; total: NabGroupScore } {
  const cost = nabProfiles[profile];
  const groups = new Map<string, { fileCount: number; windowCount: number; rawScore: number }>();
  const all = { fileCount: 0, windowCount: 0, rawScore: 0 };
  for (const f of files) {
    const category = nabCategoryOf(f.name);
    const g = groups.get(category) ?? { fileCount: 0, windowCount: 0, rawScore: 0 };
    groups.set(category, g);
    for (const acc of [g, all]) {
      acc.fileCount++;
      acc.windowCount += f.windowCount;
      acc.rawScore += f.score;
    }
  }
  const finish = (group: string, g: typeof all): NabGroupScore => ({
    group,
    ...g,
    normalizedScore: g.windowCount > 0 ? normalizedNabScore(g.rawScore, g.windowCount, cost) : null,
  });
  return {
    categories: [...groups.entries()].map(([group, g]) => finish(group, g)),
    total: finish('all', all),
  };
}

/**
 * Scores a corpus as NAB does, per profile: one threshold per profile chosen by NAB's optimiser over all the
 * files, every file scored at it, and the raw scores normalised per category and in total.
 *
 * @param files - every file of the corpus, scored by one detector
 * @param profiles - the profiles to score (default: all three)
 */
export function scoreNabCorpus(
  files: readonly NabCorpusFile[],
  profiles: readonly NabProfileName[] = nabProfileNames,
): NabProfileScore[] {
  return profiles.map((profile) => {
    const cost = nabProfiles[profile];
    const { threshold } = optimizeThreshold(files, cost);
    const scored = files.map((f) => ({
      name: f.name,
      ...scoreFileAtThreshold({ anomalyScores: f.anomalyScores, windows: f.windows, cost, threshold }),
    }));
    const { categories, total } = groupNabScores(
      scored.map((s, i) => ({ name: s.name, score: s.score, windowCount: files[i]!.windows.length })),
      profile,
    );
    return { profile, threshold, files: scored, categories, total };
  });
}
