import type { Region } from '../api/types';

export interface RegionNode {
  key: string;
  title: string;
  region: Region;
  children?: RegionNode[];
}

/** The tree of the user's scope from the flat list (roots: regions whose parent is not in it). */
export function buildRegionTree(regions: Region[]): RegionNode[] {
  const byCode = new Map<string, RegionNode>();
  for (const r of regions) byCode.set(r.code, { key: r.code, title: r.name, region: r });
  const roots: RegionNode[] = [];
  for (const r of regions) {
    const node = byCode.get(r.code)!;
    const parent = r.parentCode ? byCode.get(r.parentCode) : undefined;
    if (parent) (parent.children ??= []).push(node);
    else roots.push(node);
  }
  return roots;
}

/** The tree restricted to nodes whose name contains `q`, with their ancestors; and the keys to expand. */
export function filterTree(nodes: RegionNode[], q: string): { nodes: RegionNode[]; expand: string[] } {
  const expand: string[] = [];
  const walk = (list: RegionNode[]): RegionNode[] => {
    const out: RegionNode[] = [];
    for (const n of list) {
      const kids = n.children ? walk(n.children) : [];
      if (n.title.includes(q) || kids.length) {
        if (kids.length) expand.push(n.key);
        out.push({ ...n, children: kids.length ? kids : n.title.includes(q) ? n.children : undefined });
      }
    }
    return out;
  };
  return { nodes: walk(nodes), expand };
}

/** Names of a region and its ancestors that are in the list, from the top. */
export function regionPath(regions: Region[] | undefined, code: string): Region[] {
  if (!regions) return [];
  const byCode = new Map(regions.map((r) => [r.code, r]));
  const out: Region[] = [];
  let cur = byCode.get(code);
  while (cur) {
    out.unshift(cur);
    cur = cur.parentCode ? byCode.get(cur.parentCode) : undefined;
  }
  return out;
}
