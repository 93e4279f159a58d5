import type { MessageInstance } from 'antd/es/message/interface';
import { ApiError } from '../api/client';

/**
 * Messages go through antd's `message` from App.useApp() (so they follow the theme and locale);
 * the instance is registered once by <NotifyBridge/>. `showError` prints the server's message,
 * or the screen's fallback when there is none.
 */
let instance: MessageInstance | null = null;
export function setMessageInstance(m: MessageInstance | null): void {
  instance = m;
}

export function notifySuccess(text: string): void {
  void instance?.success(text);
}

export function showError(e: unknown, fallback = '操作失败'): void {
  if (e instanceof ApiError) {
    if (e.status === 401) return; // the login redirect says it
    void instance?.error({ content: e.message || fallback, key: e.code + e.message });
    return;
  }
  void instance?.error(e instanceof Error && e.message ? `${fallback}：${e.message}` : fallback);
}
