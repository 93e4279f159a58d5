import { App } from 'antd';
import type { FormInstance } from 'antd/es/form';
import { useCallback } from 'react';
import { ApiError } from '../api/client';
import { useI18n } from '../i18n';
import { showError } from '../lib/notify';

/**
 * What a failed save shows. A lost race (409 STALE_VERSION) says 「已被他人修改」 and offers to
 * reload; nothing is retried or overwritten. Field errors from the server go onto the form's
 * fields; anything else is the server's message.
 */
export function useSaveError(onReload: () => Promise<unknown> | void) {
  const { modal } = App.useApp();
  const { t } = useI18n();
  return useCallback(
    (e: unknown, form?: FormInstance, fallback = '保存失败') => {
      if (e instanceof ApiError && e.isStale) {
        modal.confirm({
          title: t('staleTitle'),
          content: t('staleBody'),
          okText: t('reload'),
          cancelText: t('cancel'),
          onOk: async () => {
            await onReload();
          },
        });
        return;
      }
      if (e instanceof ApiError && form && e.fieldErrors.length) {
        const known = new Set(Object.keys(form.getFieldsValue(true) as object));
        const fields = e.fieldErrors
          .map((f) => ({ name: f.field.replace(/^(household|member|income)\./, ''), errors: [f.message] }))
          .filter((f) => known.has(f.name));
        if (fields.length) form.setFields(fields);
      }
      showError(e, fallback);
    },
    [modal, onReload, t],
  );
}
