/** Admin console pages: plans (being built). */
import { Router } from 'express';
import type { Container } from '../../../container';

export function adminPlanPages(_c: Container): Router {
  return Router();
}
