/** Generalised Jaccard similarity Σmin/Σmax over named features, each weighted on the candidate and string side. */
export class GenJaccard {
  private readonly weights = new Map<string, [candidate: number, string: number]>();

  set(key: string, candidateWeight: number, stringWeight: number): void {
    this.weights.set(key, [candidateWeight, stringWeight]);
  }

  get(key: string): [number, number] | undefined {
    return this.weights.get(key);
  }

  /** String-side weight of a feature, or undefined when the feature was not scored. */
  stringWeight(key: string): number | undefined {
    return this.weights.get(key)?.[1];
  }

  similarity(): number {
    let num = 0;
    let den = 0;
    for (const [c, s] of this.weights.values()) {
      num += Math.min(c, s);
      den += Math.max(c, s);
    }
    // Rounded so that a score exactly at the threshold is not lost to float error (4.8 / 6 = 0.7999999999999999).
    return den === 0 ? 1 : Math.round((num / den) * 1e12) / 1e12;
  }

  entries(): Record<string, [number, number]> {
    return Object.fromEntries(this.weights);
  }
}
