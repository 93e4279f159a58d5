import { hash, verify } from '@node-rs/argon2';

// argon2id (the library's default algorithm) with OWASP's minimum parameters.
const OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(hashed: string, password: string): Promise<boolean> {
  try {
    return await verify(hashed, password);
  } catch {
    return false;
  }
}

/** A password policy officials can live with: 10+ characters, letters and digits. */
export function passwordProblem(password: string): string | null {
  if (password.length < 10) return '密码至少 10 位';
  if (password.length > 200) return '密码过长';
  if (!/[0-9]/.test(password) || !/[A-Za-z]/.test(password)) return '密码须同时包含字母和数字';
  return null;
}
