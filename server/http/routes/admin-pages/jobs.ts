/** Admin console pages: jobs (being built). */
import { Router } from 'express';
import type { Container } from '../../../container';

export function adminJobPages(_c: Container): Router {
  return Router();
}
