import { Input, Tag, Tree } from 'antd';
import { useMemo, useState } from 'react';
import { useRegions } from '../api/queries';
import { useI18n } from '../i18n';
import { buildRegionTree, filterTree, type RegionNode } from '../lib/regions';

interface Props {
  selected: string;
  onSelect: (code: string) => void;
  height: number;
}

/** The user's scope as a tree (all levels down to villages; 730 villages fit comfortably). */
export function RegionTree({ selected, onSelect, height }: Props) {
  const { t } = useI18n();
  const regions = useRegions();
  const [q, setQ] = useState('');
  const tree = useMemo(() => buildRegionTree(regions.data ?? []), [regions.data]);
  const defaultExpanded = useMemo(() => tree.map((n) => n.key), [tree]);
  const [expanded, setExpanded] = useState<string[] | null>(null);
  const filtered = useMemo(() => (q.trim() ? filterTree(tree, q.trim()) : null), [tree, q]);

  const render = (n: RegionNode) => (
    <span>
      {n.title}
      {n.region.poorVillage && <Tag color="red" style={{ marginInlineStart: 4, fontSize: 10, lineHeight: '14px', padding: '0 3px' }}>贫</Tag>}
    </span>
  );

  return (
    <nav aria-label={t('regionTree')} className="region-tree">
      <Input.Search size="small" placeholder={t('regionSearch')} allowClear onChange={(e) => setQ(e.target.value)} style={{ marginBottom: 8 }} aria-label={t('regionSearch')} />
      {regions.data && (
        <Tree<RegionNode>
          treeData={filtered ? filtered.nodes : tree}
          titleRender={render}
          height={height}
          virtual
          blockNode
          selectedKeys={[selected]}
          expandedKeys={filtered ? filtered.expand : expanded ?? defaultExpanded}
          onExpand={(keys) => setExpanded(keys.map(String))}
          onSelect={(keys) => {
            const k = keys[0];
            if (k !== undefined) onSelect(String(k));
          }}
        />
      )}
    </nav>
  );
}
