/** Admin console pages: clusters (being built). */
import { Router } from 'express';
import type { Container } from '../../../container';

export function adminClusterPages(_c: Container): Router {
  return Router();
}
