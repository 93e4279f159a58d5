/**
 * Word lists for synthetic demo data: surnames, given-name characters and village-name
 * syllables. Combinations are random; any resemblance to a real person or village is chance,
 * and every demo village name carries the marker （演示）.
 */

/** Common surnames in Gansu, most frequent first (weights are rough, for variety only). */
export const SURNAMES: readonly (readonly [string, number])[] = [
  ['王', 10], ['张', 10], ['李', 9], ['刘', 7], ['马', 6], ['杨', 6], ['赵', 4], ['陈', 4], ['魏', 3],
  ['何', 3], ['金', 2], ['朱', 2], ['牛', 2], ['苏', 2], ['蒋', 2], ['郭', 2], ['孙', 2], ['周', 2],
  ['吴', 2], ['徐', 2], ['胡', 2], ['高', 2], ['罗', 1], ['郑', 1], ['梁', 1], ['谢', 1], ['宋', 1],
  ['唐', 1], ['许', 1], ['韩', 1], ['冯', 1], ['邓', 1], ['曹', 1], ['彭', 1], ['田', 1], ['董', 1],
  ['袁', 1], ['潘', 1], ['蔡', 1], ['杜', 1], ['程', 1], ['汪', 1], ['石', 1], ['姚', 1], ['柴', 1],
  ['岳', 1], ['雷', 1], ['段', 1], ['火', 1], ['窦', 1], ['展', 1], ['颜', 1], ['包', 1], ['俞', 1],
];

/** Surnames frequent among Hui and Dongxiang families in Gansu. */
export const HUI_SURNAMES: readonly (readonly [string, number])[] = [
  ['马', 12], ['白', 2], ['穆', 2], ['丁', 2], ['冶', 2], ['妥', 1], ['沙', 1], ['哈', 1], ['纳', 1],
  ['虎', 1], ['海', 1], ['保', 1], ['韩', 1], ['王', 1],
];

export const MALE_GIVEN = [
  '建', '国', '军', '明', '强', '伟', '平', '文', '华', '志', '海', '兵', '成', '林', '峰', '刚', '勇',
  '龙', '俊', '杰', '涛', '斌', '鹏', '飞', '辉', '宏', '福', '贵', '有', '德', '世', '生', '才', '发',
  '忠', '兴', '旺', '喜', '宝', '天', '浩', '宇', '轩', '博', '子', '永', '长', '春', '金', '满', '占',
  '仓', '山', '元', '学', '荣', '彦', '亮', '锋', '东', '新', '栋', '保', '全', '万', '顺',
] as const;

export const FEMALE_GIVEN = [
  '兰', '花', '英', '梅', '秀', '芳', '霞', '燕', '娟', '丽', '红', '玲', '琴', '桂', '萍', '艳', '凤',
  '珍', '莲', '敏', '静', '婷', '雪', '颖', '欣', '怡', '佳', '悦', '雅', '琳', '慧', '娜', '丹', '瑶',
  '菊', '香', '月', '小', '彩', '芬', '翠', '琼', '春', '荣', '玉', '金', '银', '巧', '云', '晓', '蓉',
] as const;

/** First half of a village name: a family name + 家, or a position. */
export const VILLAGE_HEADS = [
  '张家', '王家', '李家', '刘家', '马家', '杨家', '赵家', '陈家', '魏家', '何家', '金家', '朱家', '牛家',
  '苏家', '郭家', '孙家', '周家', '高家', '罗家', '梁家', '谢家', '韩家', '冯家', '邓家', '曹家', '田家',
  '董家', '袁家', '潘家', '蔡家', '杜家', '程家', '汪家', '石家', '姚家', '柴家', '岳家', '雷家', '段家',
  '上', '下', '东', '西', '南', '北', '大', '小', '前', '后', '中', '新', '红', '黄', '青', '白', '柳',
  '杏', '梨', '榆', '沙', '石', '高', '平', '长', '双', '三',
] as const;

/** Second half of a village name: a landform word common in the loess hills around Lanzhou. */
export const VILLAGE_TAILS = [
  '湾', '庄', '沟', '岔', '川', '坪', '台', '岘', '河', '滩', '岭', '堡', '寨', '塬', '峪', '源', '窑',
  '营', '铺', '坡', '梁', '嘴', '湖', '泉', '井', '口', '屲', '咀', '山', '坝',
] as const;

/** Chinese numerals 一…十五 for natural-village groups (社). */
export const CN_NUMERALS = [
  '一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二', '十三', '十四', '十五',
] as const;

export const MOBILE_PREFIXES = ['139', '138', '137', '151', '152', '157', '187', '188', '133', '153', '177', '180', '181', '189', '199'] as const;

/** Banks that serve rural Gansu households, with rough weights. */
export const BANKS: readonly (readonly [string, number])[] = [
  ['甘肃省农村信用社', 55],
  ['中国邮政储蓄银行', 25],
  ['中国农业银行', 12],
  ['甘肃银行', 5],
  ['兰州银行', 3],
];
